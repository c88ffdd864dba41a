package io.jcmap.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs a short-lived helper command (kill, corosync-cmapctl) with a timeout and captures its output. */
final class HelperProcess {

    private static final Duration REAP_TIMEOUT = Duration.ofSeconds(5);

    private HelperProcess() {
    }

    static ProcessResult run(Duration timeout, List<String> command) {
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new CorosyncTestkitException("cannot run " + command + ": " + e.getMessage(), e);
        }
        try {
            process.getOutputStream().close();
            CompletableFuture<String> stdout = readAsync(process.getInputStream());
            CompletableFuture<String> stderr = readAsync(process.getErrorStream());
            boolean finished = process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (!finished) {
                process.destroyForcibly();
                process.waitFor(REAP_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
            }
            int exitCode = process.isAlive() ? -1 : process.exitValue();
            return new ProcessResult(exitCode, collect(stdout), collect(stderr), !finished);
        } catch (IOException e) {
            throw new CorosyncTestkitException("I/O error running " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CorosyncTestkitException("interrupted while running " + command, e);
        }
    }

    private static CompletableFuture<String> readAsync(InputStream stream) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (stream) {
                text.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                text.complete("<output unreadable: " + e.getMessage() + ">");
            }
        });
        return text;
    }

    private static String collect(CompletableFuture<String> text) throws InterruptedException {
        try {
            return text.get(REAP_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return "<output not collected: " + e + ">";
        }
    }
}
