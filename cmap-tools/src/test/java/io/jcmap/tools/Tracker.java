package io.jcmap.tools;

import io.jcmap.tools.Tools.Run;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A running {@code -t}/{@code -T} session of one tool whose standard input stays open until
 * {@link #quit}: corosync-cmapctl as a line-buffered subprocess ({@code stdbuf -oL}, so that each
 * change can be seen as it comes), or jcmapctl on a thread of this JVM reading an OS pipe.
 */
abstract class Tracker implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final long POLL_MILLIS = 5;

    /** Starts corosync-cmapctl with these arguments. */
    static Tracker c(String... args) {
        return new CTracker(args);
    }

    /** Starts jcmapctl with these arguments. */
    static Tracker j(String... args) {
        return new JTracker(args);
    }

    /** {@return what it printed on standard output so far} */
    abstract String out();

    /** {@return what it printed on standard error so far (jcmapctl only)} */
    String err() {
        throw new UnsupportedOperationException("standard error of corosync-cmapctl is read at the end");
    }

    /** Writes to its standard input. */
    abstract void write(String text);

    /** Closes its standard input. */
    abstract void closeInput();

    /** Waits for the end and returns what it printed. */
    abstract Run finish();

    /** Makes writes to its standard output wait until {@link #releaseOutput} (jcmapctl only). */
    void holdOutput() {
        throw new UnsupportedOperationException("only jcmapctl's output can be held");
    }

    /** Lets the writes waiting since {@link #holdOutput} go on. */
    void releaseOutput() {
        throw new UnsupportedOperationException("only jcmapctl's output can be held");
    }

    /** Waits until a write to its standard output waits for {@link #releaseOutput}. */
    void awaitOutputWaiting() {
        throw new UnsupportedOperationException("only jcmapctl's output can be held");
    }

    /**
     * Waits until a jcmapctl tracking session of this JVM has taken its end from standard input and
     * waits for its dispatching thread to end ({@code Thread.join} under {@link TrackSession}).
     */
    static void awaitSessionJoiningItsDispatcher() {
        awaitOut(() -> Thread.getAllStackTraces().values().stream().anyMatch(Tracker::joinsInTrackSession),
                () -> "no jcmapctl session waits for its dispatcher");
    }

    private static boolean joinsInTrackSession(StackTraceElement[] stack) {
        boolean joining = false;
        for (StackTraceElement frame : stack) { // innermost first
            joining |= frame.getClassName().equals(Thread.class.getName()) && frame.getMethodName().equals("join");
            if (joining && frame.getClassName().equals(TrackSession.class.getName())) {
                return true;
            }
        }
        return false;
    }

    /** Waits until standard output has this many lines. */
    void awaitLines(int lines) {
        awaitOut(() -> out().chars().filter(c -> c == '\n').count() >= lines,
                () -> "want " + lines + " lines of output, have:\n" + out());
    }

    static void awaitOut(Supplier<Boolean> condition, Supplier<String> failure) {
        Instant deadline = Instant.now().plus(TIMEOUT);
        while (!condition.get()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(failure.get());
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Types "q" and a newline, as a user ends the session. */
    Run quit() {
        write("q\n");
        return finish();
    }

    static <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(what + " did not end in " + TIMEOUT, e);
        } catch (ExecutionException e) {
            throw new AssertionError(what + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static final class CTracker extends Tracker {
        private final Process process;
        private final OutputStream in;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final CompletableFuture<Void> outDone;
        private final CompletableFuture<byte[]> err;

        CTracker(String... args) {
            List<String> command = new ArrayList<>(List.of("stdbuf", "-oL", Tools.CMAPCTL));
            command.addAll(List.of(args));
            try {
                process = new ProcessBuilder(command).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            in = process.getOutputStream();
            err = Tools.readAll(process.getErrorStream());
            InputStream stdout = process.getInputStream();
            outDone = CompletableFuture.runAsync(() -> copy(stdout), Tools::thread);
        }

        private void copy(InputStream stdout) {
            byte[] buffer = new byte[1024];
            int read;
            try (stdout) {
                while ((read = stdout.read(buffer)) > 0) {
                    synchronized (out) {
                        out.write(buffer, 0, read);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        String out() {
            synchronized (out) {
                return Tools.text(out.toByteArray());
            }
        }

        @Override
        void write(String text) {
            try {
                in.write(text.getBytes(StandardCharsets.UTF_8));
                in.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        void closeInput() {
            try {
                in.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        Run finish() {
            await(process.onExit(), "corosync-cmapctl");
            await(outDone, "corosync-cmapctl's output");
            return new Run(process.exitValue(), out(), Tools.text(await(err, "corosync-cmapctl's stderr")));
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    private static final class JTracker extends Tracker {
        private final Pipe stdin;
        private final OutputStream in;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteArrayOutputStream err = new ByteArrayOutputStream();
        private final CompletableFuture<Integer> exit;
        private final OutputGate gate = new OutputGate();

        JTracker(String... args) {
            try {
                stdin = Pipe.open();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            in = Channels.newOutputStream(stdin.sink());
            OutputStream stdout = new Synchronized(out, gate);
            OutputStream stderr = new Synchronized(err, new OutputGate());
            exit = CompletableFuture.supplyAsync(() -> Jcmapctl.run(Tools.CMAPCTL, List.of(args),
                    Channels.newInputStream(stdin.source()), stdout, stderr), Tools::thread);
        }

        @Override
        String out() {
            synchronized (out) {
                return Tools.text(out.toByteArray());
            }
        }

        @Override
        String err() {
            synchronized (err) {
                return Tools.text(err.toByteArray());
            }
        }

        @Override
        void write(String text) {
            try {
                in.write(text.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        void closeInput() {
            try {
                in.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        Run finish() {
            int status = await(exit, "jcmapctl");
            synchronized (err) {
                return new Run(status, out(), Tools.text(err.toByteArray()));
            }
        }

        @Override
        void holdOutput() {
            gate.hold();
        }

        @Override
        void releaseOutput() {
            gate.release();
        }

        @Override
        void awaitOutputWaiting() {
            awaitOut(gate::hasWaiter, () -> "no write to jcmapctl's output waits; it printed:\n" + out());
        }

        @Override
        public void close() throws IOException {
            gate.release();
            stdin.sink().close();
            stdin.source().close();
        }
    }

    /** Writes into a buffer that readers lock while copying it, once its gate lets them. */
    private static final class Synchronized extends OutputStream {
        private final ByteArrayOutputStream buffer;
        private final OutputGate gate;

        Synchronized(ByteArrayOutputStream buffer, OutputGate gate) {
            this.buffer = buffer;
            this.gate = gate;
        }

        @Override
        public void write(int b) {
            gate.pass();
            synchronized (buffer) {
                buffer.write(b);
            }
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            gate.pass();
            synchronized (buffer) {
                buffer.write(bytes, offset, length);
            }
        }
    }

    /** Holds writers back while held, as a reader that does not read holds a program's output. */
    private static final class OutputGate {
        private boolean held;
        private boolean waiter;

        synchronized void hold() {
            held = true;
        }

        synchronized void release() {
            held = false;
            notifyAll();
        }

        synchronized boolean hasWaiter() {
            return waiter;
        }

        /**
         * Waits while held. An interrupt does not end the wait (jcmapctl interrupts its dispatcher
         * to end the dispatch, not the write): the status is set again after it, as a blocking
         * write to a pipe keeps it.
         */
        synchronized void pass() {
            boolean interrupted = false;
            while (held) {
                waiter = true;
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
