package io.jcmap.client.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcmap.client.CmapType;
import io.jcmap.testkit.Corosync;
import io.jcmap.testkit.ProcessResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The real corosync-cmapctl, the reference client, run through the testkit. */
final class CmapctlTool {
    /** {@code name (type)} at the start of each line corosync-cmapctl lists. */
    private static final Pattern LISTED_KEY = Pattern.compile("^(\\S+) \\((i8|u8|i16|u16|i32|u32|i64|u64|flt|dbl|str|bin)\\)");

    private CmapctlTool() {
    }

    /** Runs it, asserting that it succeeds, and returns its standard output. */
    static String run(Corosync corosync, String... args) {
        ProcessResult result = corosync.cmapctl(args);
        assertTrue(result.succeeded(), () -> "corosync-cmapctl " + String.join(" ", args) + " failed: " + result);
        return result.stdout();
    }

    /** The single line {@code -g key} prints (binary values with {@code -b}), without its newline. */
    static String getLine(Corosync corosync, String... options) {
        String out = run(corosync, options);
        assertTrue(out.endsWith("\n") && out.indexOf('\n') == out.length() - 1,
                () -> "expected one line from corosync-cmapctl but got: [" + out + "]");
        return out.substring(0, out.length() - 1);
    }

    /**
     * Runs it with a last argument of any bytes, which Java cannot put on a command line:
     * {@code bash}'s printf makes it from {@code printfFormat} (for example {@code "caf\\xe9"}).
     */
    static void runWithLastArgument(Corosync corosync, String printfFormat, String... args) {
        List<String> command = new ArrayList<>(List.of("bash", "-c", "last=$(printf \"$0\") && exec \"$@\" \"$last\"",
                printfFormat));
        command.addAll(corosync.cmapctlCommand(args));
        byte[] out = runForBytes(command);
        assertTrue(out.length == 0, () -> "corosync-cmapctl printed: " + new String(out));
    }

    /** Runs it and returns its standard output as bytes, asserting that it succeeds. */
    static byte[] stdoutBytes(Corosync corosync, String... args) {
        return runForBytes(corosync.cmapctlCommand(args));
    }

    private static byte[] runForBytes(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            byte[] out = process.getInputStream().readAllBytes();
            assertTrue(process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0,
                    () -> command + " failed: " + new String(out));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Key names and types of a listing, in its order. */
    static Map<String, CmapType> listing(Corosync corosync, String... args) {
        ProcessResult result = corosync.cmapctl(args);
        // with nothing to list corosync-cmapctl exits with 1 and prints nothing
        assertTrue(result.succeeded() || (result.exitCode() == 1 && result.stdout().isEmpty()),
                () -> "corosync-cmapctl " + String.join(" ", args) + " failed: " + result);
        Map<String, CmapType> keys = new LinkedHashMap<>();
        for (String line : result.stdout().split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            Matcher matcher = LISTED_KEY.matcher(line);
            assertTrue(matcher.find(), () -> "not a key line: [" + line + "]");
            keys.put(matcher.group(1), CmapType.fromCmapctlName(matcher.group(2)));
        }
        return keys;
    }
}
