package io.jcmap.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Recursive deletion of the testkit's own files and directories. */
final class FileTrees {

    private FileTrees() {
    }

    /** Deletes a file or a directory tree; a missing path is fine. */
    static void delete(Path root) {
        try (Stream<Path> tree = Files.walk(root)) {
            for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException | UncheckedIOException e) {
            throw new CorosyncTestkitException("cannot delete " + root + ": " + e.getMessage(), e);
        }
    }
}
