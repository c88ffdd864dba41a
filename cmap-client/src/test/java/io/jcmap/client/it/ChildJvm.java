package io.jcmap.client.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A program of the tests run in a JVM of its own: this JVM's java, its output gathered. */
public final class ChildJvm {
    private static final long TIMEOUT_SECONDS = 60;

    private ChildJvm() {
    }

    /**
     * What the program printed, standard output and error together, and its exit status.
     *
     * @param exit   the exit status
     * @param output everything it printed
     */
    public record Result(int exit, String output) {
    }

    /** This JVM's {@code java} with {@code arguments}, quick to start (no C2). */
    public static List<String> java(List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:TieredStopAtLevel=1");
        command.addAll(arguments);
        return command;
    }

    /**
     * Runs {@code command} to its end; fails the test when that takes over a minute. The output is
     * read beside the wait, so a program that hangs is killed rather than read from for ever.
     */
    public static Result run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> readAll(process));
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the program did not end within " + TIMEOUT_SECONDS + " s: " + command);
        }
        return new Result(process.exitValue(), new String(output.join(), StandardCharsets.UTF_8));
    }

    private static byte[] readAll(Process process) {
        try {
            return process.getInputStream().readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
