package io.jcmap.protocol.fake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A private directory below /dev/shm, removed with everything in it on close. */
public final class ShmTempDirectory implements AutoCloseable {
    /** Where libqb puts its files, and the only place our client opens server-named files. */
    public static final Path SHM = Path.of("/dev/shm");

    private final Path path;

    private ShmTempDirectory(Path path) {
        this.path = path;
    }

    public static ShmTempDirectory create(String prefix) {
        try {
            return new ShmTempDirectory(Files.createTempDirectory(SHM, prefix));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path path() {
        return path;
    }

    public Path resolve(String name) {
        return path.resolve(name);
    }

    /** A regular file of {@code size} zero bytes. */
    public Path file(String name, long size) {
        try {
            Path file = path.resolve(name);
            Files.createDirectories(file.getParent());
            try (var channel = java.nio.channels.FileChannel.open(file,
                    java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
                if (size > 0) {
                    channel.write(java.nio.ByteBuffer.allocate(1), size - 1);
                }
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        deleteTree(path);
    }

    /** Deletes a tree without following symbolic links. */
    public static void deleteTree(Path root) {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
