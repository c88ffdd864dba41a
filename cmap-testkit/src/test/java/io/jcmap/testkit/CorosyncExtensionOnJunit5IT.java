package io.jcmap.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The extension on JUnit 5, which most users still run, though the build's own JUnit is 6: a
 * child JVM runs {@link CorosyncExtensionIT} and two sample classes with JUnit Jupiter
 * {@code junit5.version} of the pom (copied to {@code target/junit5}) in place of the build's JUnit
 * jars. An API of JUnit 6 alone in the
 * extension fails there with {@link NoSuchMethodError}, as {@code Store.computeIfAbsent} did.
 */
@Tag("integration")
class CorosyncExtensionOnJunit5IT {
    private static final Path JUNIT5_JARS = Path.of("target", "junit5");
    /** The build's JUnit jars, which the child JVM must not see. */
    private static final List<String> JUNIT_PATHS = List.of("/org/junit/", "/org/opentest4j/", "/org/apiguardian/");
    private static final long CHILD_SECONDS = 120;

    @Test
    void startsAndInjectsTheInstanceOnJunit5() throws Exception {
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-cp", childClassPath(),
                "-D" + Backend.PROPERTY + "=" + System.getProperty(Backend.PROPERTY, "auto"),
                Junit5Launch.class.getName(),
                CorosyncExtensionIT.class.getName(),
                ExtensionSamples.DefaultsViaExtendWith.class.getName(),
                ExtensionSamples.PerClassConstructorInjection.class.getName()));
        // into a file, not a pipe: a child that hangs must not hang this test in a read
        Path log = Files.createTempFile(Path.of("target"), "junit5-child", ".log");
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        child.getOutputStream().close();
        boolean ended = child.waitFor(CHILD_SECONDS, TimeUnit.SECONDS);
        if (!ended) {
            child.destroyForcibly().waitFor();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(ended, "the child JVM did not end within " + CHILD_SECONDS + " s:\n" + output);
        assertTrue(output.contains("junit-jupiter-api " + junit5Version()),
                "the child did not run on JUnit " + junit5Version() + ":\n" + output);
        assertEquals(0, child.exitValue(), "the samples failed on JUnit 5:\n" + output);
        assertTrue(output.contains(" 6 tests successful"), "not every sample test ran:\n" + output);
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** This JVM's test class path with JUnit 5's jars in place of the build's JUnit jars. */
    private static String childClassPath() throws IOException {
        String testClassPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Stream<String> ours = Arrays.stream(testClassPath.split(File.pathSeparator))
                .filter(entry -> JUNIT_PATHS.stream().noneMatch(entry::contains));
        List<String> junit5 = junit5Jars();
        assertTrue(junit5.size() >= 5, "JUnit 5's jars are missing from " + JUNIT5_JARS.toAbsolutePath() + ": " + junit5);
        return Stream.concat(junit5.stream(), ours).collect(Collectors.joining(File.pathSeparator));
    }

    private static List<String> junit5Jars() throws IOException {
        try (Stream<Path> jars = Files.list(JUNIT5_JARS)) {
            return jars.map(jar -> jar.toAbsolutePath().toString()).sorted().toList();
        }
    }

    /** The version of the copied junit-jupiter-api jar (its file name says it). */
    private static String junit5Version() throws IOException {
        return junit5Jars().stream().map(jar -> Path.of(jar).getFileName().toString())
                .filter(name -> name.startsWith("junit-jupiter-api-"))
                .map(name -> name.substring("junit-jupiter-api-".length(), name.length() - ".jar".length()))
                .findFirst().orElseThrow();
    }
}
