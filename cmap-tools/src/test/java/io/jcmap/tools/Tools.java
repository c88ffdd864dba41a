package io.jcmap.tools;

import io.jcmap.client.CmapText;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the real corosync-cmapctl (a subprocess) and jcmapctl (in this JVM, through
 * {@link Jcmapctl#run(String, List, InputStream, OutputStream, OutputStream)}) on the same
 * arguments and compares what they print.
 */
final class Tools {
    static final String CMAPCTL = "/usr/sbin/corosync-cmapctl";
    private static final long TIMEOUT_SECONDS = 20;

    /**
     * What one run printed. Text is decoded as ISO-8859-1 so that every byte is compared and
     * shown as itself.
     *
     * @param exit the exit status
     * @param out  standard output
     * @param err  standard error
     */
    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
        }
    }

    private Tools() {
    }

    /** Runs corosync-cmapctl with empty standard input. */
    static Run c(String... args) {
        return c(new byte[0], args);
    }

    /** Runs corosync-cmapctl with {@code stdin} as its standard input. */
    static Run c(byte[] stdin, String... args) {
        List<String> command = new ArrayList<>();
        command.add(CMAPCTL);
        command.addAll(List.of(args));
        return run(command, stdin, String.join(" ", args));
    }

    /**
     * Runs both tools on arguments of any bytes and asserts identical output. Java cannot pass
     * bytes that are not in the locale's charset to a process, so bash's printf makes each
     * argument for corosync-cmapctl from {@code \xHH} escapes; jcmapctl gets them as
     * {@link RawArguments} reads them.
     */
    static Run sameBytes(byte[]... args) {
        StringBuilder script = new StringBuilder("exec " + CMAPCTL);
        for (byte[] arg : args) {
            script.append(" \"$(printf '");
            for (byte b : arg) {
                script.append(String.format("\\x%02x", b & 0xff));
            }
            script.append("')\"");
        }
        String[] decoded = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            decoded[i] = CmapText.decode(args[i]);
        }
        String what = String.join(" ", Arrays.stream(args).map(Tools::text).toList());
        Run expected = run(List.of("bash", "-c", script.toString()), new byte[0], what);
        Run actual = j(decoded);
        assertSameRun(expected, actual, what);
        return actual;
    }

    private static Run run(List<String> command, byte[] stdin, String what) {
        try {
            Process process = new ProcessBuilder(command).start();
            CompletableFuture<byte[]> out = readAll(process.getInputStream());
            CompletableFuture<byte[]> err = readAll(process.getErrorStream());
            try (OutputStream in = process.getOutputStream()) {
                in.write(stdin);
            } catch (IOException e) {
                // it did not read all of its input: what it printed tells
            }
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("corosync-cmapctl " + what + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            return new Run(process.exitValue(), text(out.join()), text(err.join()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static CompletableFuture<byte[]> readAll(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, Tools::thread);
    }

    /**
     * Runs a task on a thread of its own: the common pool has a single thread on two cores, and
     * a blocked tracking session there would starve every other task.
     */
    static void thread(Runnable task) {
        Thread.ofPlatform().daemon().name("jcmapctl-test").start(task);
    }

    /** Runs jcmapctl in this JVM with empty standard input. */
    static Run j(String... args) {
        return j(new byte[0], args);
    }

    /** Runs jcmapctl in this JVM with {@code stdin} as its standard input. */
    static Run j(byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Jcmapctl.run(CMAPCTL, List.of(args), new ByteArrayInputStream(stdin), out, err);
        return new Run(exit, text(out.toByteArray()), text(err.toByteArray()));
    }

    /**
     * Runs both tools with standard output and standard error going to one pipe, as with
     * {@code 2>&1}, and returns what each wrote there: C's stdio buffering decides the order.
     */
    static void sameMerged(String... args) {
        List<String> command = new ArrayList<>();
        command.add(CMAPCTL);
        command.addAll(List.of(args));
        String expected;
        int expectedExit;
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            expected = text(process.getInputStream().readAllBytes());
            expectedExit = process.waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        int exit = Jcmapctl.run(CMAPCTL, List.of(args), new ByteArrayInputStream(new byte[0]), both, both);
        assertEquals("exit " + expectedExit + "\n" + expected, "exit " + exit + "\n" + text(both.toByteArray()),
                "2>&1 " + String.join(" ", args));
    }

    /** Runs both tools with the same arguments and asserts identical output; returns it. */
    static Run same(String... args) {
        return same(new byte[0], args);
    }

    /** Runs both tools with the same arguments and standard input and asserts identical output. */
    static Run same(byte[] stdin, String... args) {
        Run expected = c(stdin, args);
        Run actual = j(stdin, args);
        assertSameRun(expected, actual, String.join(" ", args));
        return actual;
    }

    static void assertSameRun(Run expected, Run actual, String what) {
        assertEquals(expected.toString(), actual.toString(), "corosync-cmapctl vs jcmapctl: " + what);
    }

    /** Asserts a run succeeded silently (a set or delete). */
    static void assertQuietSuccess(Run run, String what) {
        assertEquals(new Run(0, "", "").toString(), run.toString(), what);
    }

    static void assertContains(String text, String part) {
        assertTrue(text.contains(part), () -> "expected «" + part + "» in:\n" + text);
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
