package io.jcmap.protocol.fake;


import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A file outside /dev/shm that a hostile server tries to make us open (by naming it, through a
 * symbolic link, through '..'). Afterwards it must be exactly as it was, and no descriptor or
 * mapping of this process may refer to it.
 */
public final class DecoyFile implements AutoCloseable {
    private static final FileTime PAST = FileTime.from(Instant.parse("2001-02-03T04:05:06Z"));

    private final Path path;
    private final byte[] content;

    private DecoyFile(Path path, byte[] content) {
        this.path = path;
        this.content = content;
    }

    /** A decoy of 100 bytes of text in the temp directory (usually /tmp), with an old mtime. */
    public static DecoyFile create() {
        return create(".txt");
    }

    /**
     * A decoy whose name ends in {@code suffix}, such as "-header", so that a ring name a
     * hostile server sends leads exactly to it.
     */
    public static DecoyFile create(String suffix) {
        try {
            Path path = Files.createTempFile("jcmap-decoy-", suffix);
            byte[] content = "decoy: a hostile server wants us to map and write this file\n"
                    .repeat(2).substring(0, 100).getBytes(StandardCharsets.US_ASCII);
            Files.write(path, content);
            Files.setLastModifiedTime(path, PAST);
            return new DecoyFile(path, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path path() {
        return path;
    }

    /** Size, content and mtime unchanged; not open and not mapped in this process. */
    public void assertUntouched() {
        try {
            assertEquals(content.length, Files.size(path), "decoy size changed");
            assertArrayEquals(content, Files.readAllBytes(path), "decoy content changed");
            assertEquals(PAST, Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS), "decoy mtime changed");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertNotOpen(path);
    }

    /** No descriptor and no mapping of this process refers to {@code file}. */
    public static void assertNotOpen(Path file) {
        String name = file.toAbsolutePath().toString();
        assertFalse(mappedFiles().anyMatch(m -> m.equals(name)), () -> name + " is mapped");
        assertFalse(openFiles().anyMatch(f -> f.equals(name)), () -> name + " is open");
    }

    /** No descriptor and no mapping of this process refers to anything below {@code directory}. */
    public static void assertNothingOpenBelow(Path directory) {
        String prefix = directory.toAbsolutePath() + "/";
        assertFalse(mappedFiles().anyMatch(m -> m.startsWith(prefix)), () -> "something below " + prefix + " is mapped");
        assertFalse(openFiles().anyMatch(f -> f.startsWith(prefix)), () -> "something below " + prefix + " is open");
    }

    private static Stream<String> mappedFiles() {
        try {
            return Files.readAllLines(Path.of("/proc/self/maps")).stream()
                    .map(line -> line.split("\\s+", 6))
                    .filter(fields -> fields.length == 6)
                    .map(fields -> fields[5].replace(" (deleted)", ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Stream<String> openFiles() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.toList().stream().map(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString();
                } catch (IOException gone) {
                    return "";
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "DecoyFile[" + path + ", " + Arrays.hashCode(content) + "]";
    }
}
