package io.jcmap.protocol.os;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A thread as the kernel sees it, for tests that must act only once another thread sleeps in
 * a system call (a wait that a shutdown or close must end), rather than after a guessed delay.
 */
public final class KernelThread {
    private final Path task;

    private KernelThread(Path task) {
        this.task = task;
    }

    /** The calling thread: its entry below /proc, e.g. /proc/1234/task/1240. */
    public static KernelThread current() {
        try {
            return new KernelThread(Path.of("/proc").resolve(Files.readSymbolicLink(Path.of("/proc/thread-self"))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the thread is in an interruptible sleep (state S in its stat line). */
    public boolean asleep() {
        try {
            String stat = Files.readString(task.resolve("stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("S");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits up to 5 s until the thread sleeps in the kernel, failing the test if it never does. */
    public void awaitAsleep(String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!asleep()) {
            assertTrue(System.nanoTime() < deadline, what + " never waited");
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
        }
    }
}
