package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The README's usage example is exactly the code {@code ReadmeExampleIT} compiles and runs, so
 * the README cannot drift from working code.
 */
class ReadmeExampleTest {
    private static final String BEGIN = "README-EXAMPLE-BEGIN";
    private static final String END = "README-EXAMPLE-END";
    private static final Path MODULE = Path.of(System.getProperty("basedir", "."));
    private static final Path README = MODULE.resolve("../README.md");
    private static final Path EXAMPLE = MODULE.resolve("src/test/java/io/jcmap/client/it/ReadmeExampleIT.java");

    /** The lines strictly between the lines containing the two markers. */
    private static List<String> between(List<String> lines, Path file) {
        int begin = indexOf(lines, BEGIN, 0, file);
        int end = indexOf(lines, END, begin + 1, file);
        return lines.subList(begin + 1, end);
    }

    private static int indexOf(List<String> lines, String marker, int from, Path file) {
        for (int i = from; i < lines.size(); i++) {
            if (lines.get(i).contains(marker)) {
                return i;
            }
        }
        throw new AssertionError(file + " has no line with " + marker);
    }

    /** The lines without the indentation they all share. */
    private static String dedent(List<String> lines) {
        int indent = lines.stream().filter(line -> !line.isBlank())
                .mapToInt(line -> line.length() - line.stripLeading().length()).min().orElse(0);
        return lines.stream().map(line -> line.isBlank() ? "" : line.substring(indent))
                .collect(Collectors.joining("\n"));
    }

    @Test
    void theReadmeShowsExactlyTheTestedExample() throws IOException {
        List<String> readme = between(Files.readAllLines(README, StandardCharsets.UTF_8), README);
        assertTrue(readme.size() >= 2 && readme.get(0).equals("```java") && readme.getLast().equals("```"),
                "the README's example is one fenced java block: " + readme);
        String shown = String.join("\n", readme.subList(1, readme.size() - 1));
        String tested = dedent(between(Files.readAllLines(EXAMPLE, StandardCharsets.UTF_8), EXAMPLE));
        assertEquals(tested, shown, "README.md's usage example differs from ReadmeExampleIT's code");
    }
}
