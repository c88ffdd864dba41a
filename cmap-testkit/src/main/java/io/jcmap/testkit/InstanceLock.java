package io.jcmap.testkit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one-instance rule: at most one testkit corosync per network namespace. A semaphore
 * serialises instances inside this JVM (held from start to close, possibly by different threads)
 * and an exclusive file lock per network namespace serialises JVMs.
 */
final class InstanceLock {

    private static final Semaphore IN_JVM = new Semaphore(1, true);
    private static final Path PREFERRED_DIRECTORY = Path.of("/run/lock");
    private static volatile String holder = "nobody";

    private InstanceLock() {
    }

    /** The lock file of this JVM's network namespace. */
    static Path file() {
        Path directory = Files.isDirectory(PREFERRED_DIRECTORY) && Files.isWritable(PREFERRED_DIRECTORY)
                ? PREFERRED_DIRECTORY
                : Path.of(System.getProperty("java.io.tmpdir"));
        return directory.resolve("jcmap-testkit-net-" + NetworkNamespace.currentInode() + ".lock");
    }

    /** {@return how many threads of this JVM wait for the instance lock} Tests watch for the wait. */
    static int queuedInJvm() {
        return IN_JVM.getQueueLength();
    }

    /**
     * Waits up to {@code timeout} for both locks.
     *
     * @param who describes the new instance, for the messages of those who wait on it
     */
    static Lease acquire(String who, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (!IN_JVM.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new CorosyncTestkitException("timed out after " + timeout + " waiting for the corosync "
                        + "instance held in this JVM by " + holder + " to close; only one testkit corosync can "
                        + "run per network namespace (close() the other instance first)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CorosyncTestkitException("interrupted while waiting for the testkit instance lock", e);
        }
        try {
            FileLock lock = lockFile(file(), who, deadline, timeout);
            holder = who;
            return new Lease(lock);
        } catch (RuntimeException e) {
            IN_JVM.release();
            throw e;
        }
    }

    private static FileLock lockFile(Path file, String who, long deadline, Duration timeout) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                lock = waitForLock(channel, file, deadline, timeout);
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((who + " (JVM pid " + ProcessHandle.current().pid() + ")\n")
                    .getBytes(StandardCharsets.UTF_8)), 0);
            return lock;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new CorosyncTestkitException("cannot lock " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    // FileChannel.lock() blocks without a timeout; run it aside and give up by closing the channel.
    private static FileLock waitForLock(FileChannel channel, Path file, long deadline, Duration timeout)
            throws IOException {
        String owner = readOwner(file);
        CompletableFuture<FileLock> locked = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("jcmap-testkit-lock-wait").start(() -> {
            try {
                locked.complete(channel.lock());
            } catch (IOException | RuntimeException e) {
                locked.completeExceptionally(e);
            }
        });
        try {
            return locked.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            channel.close();
            throw new CorosyncTestkitException("timed out after " + timeout + " waiting for " + file
                    + ", held by another JVM's corosync: " + owner + "; only one testkit corosync can run per "
                    + "network namespace");
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            channel.close();
            Thread.currentThread().interrupt();
            throw new CorosyncTestkitException("interrupted while waiting for " + file, e);
        }
    }

    private static String readOwner(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing left to release
            }
        }
    }

    /** Both locks, held until {@link #close()}. */
    static final class Lease implements AutoCloseable {
        private final FileLock fileLock;
        private boolean released;

        private Lease(FileLock fileLock) {
            this.fileLock = fileLock;
        }

        @Override
        public synchronized void close() {
            if (released) {
                return;
            }
            released = true;
            holder = "nobody";
            try {
                fileLock.channel().truncate(0);
                fileLock.release();
            } catch (IOException e) {
                // closing the channel below releases the lock anyway
            } finally {
                closeQuietly(fileLock.channel());
                IN_JVM.release();
            }
        }
    }
}
