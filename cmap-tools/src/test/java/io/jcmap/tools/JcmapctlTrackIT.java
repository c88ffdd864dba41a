package io.jcmap.tools;

import io.jcmap.testkit.Corosync;
import io.jcmap.testkit.CorosyncExtension;
import io.jcmap.tools.Tools.Run;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static io.jcmap.tools.Tools.assertSameRun;
import static io.jcmap.tools.Tools.c;
import static io.jcmap.tools.Tools.j;
import static io.jcmap.tools.Tools.same;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code -t} and {@code -T}: corosync-cmapctl and jcmapctl track the same keys at the same time
 * while the keys change; after every change both must have printed it, and at the end ("q" on
 * standard input) their whole output, standard error and exit status must be identical.
 */
@Tag("integration")
class JcmapctlTrackIT {
    @RegisterExtension
    static final CorosyncExtension COROSYNC = CorosyncExtension.builder().build();

    private static final String PREFIX = "jtest.track.";
    private static final String PROMPT = "Type \"q\" to finish\n";

    @BeforeEach
    void clear() {
        c("-D", PREFIX);
        c("-D", "jtest.other");
    }

    /** One change, and how many lines of tracking output it adds. */
    private record Change(int lines, String... args) {
    }

    @Test
    void prefixTrackingPrintsTheSameChanges() throws Exception {
        assertTracksTheSame(List.of("-T", PREFIX), List.of(
                new Change(1, "-s", PREFIX + "a", "u32", "1"),
                new Change(1, "-s", PREFIX + "a", "u32", "2"),
                new Change(0, "-s", PREFIX + "a", "u32", "2"),
                new Change(1, "-s", PREFIX + "s", "str", "hello"),
                new Change(1, "-s", PREFIX + "s", "str", "hello world"),
                // applied by jcmapctl (odd position), which stores E9: "café" in ISO-8859-1
                new Change(1, "-s", PREFIX + "s", "str", "caf\uDCE9"),
                new Change(1, "-s", PREFIX + "a", "dbl", "2.5"),
                new Change(0, "-s", "jtest.other", "u8", "1"),
                new Change(1, "-s", "--", PREFIX + "n", "i64", "-9223372036854775808"),
                new Change(1, "-s", "--", PREFIX + "f", "flt", "-0.125"),
                new Change(1, "-s", PREFIX + "bin", "bin", "/etc/hostname"),
                new Change(1, "-d", PREFIX + "a"),
                new Change(4, "-D", PREFIX)));
    }

    @Test
    void keyTrackingPrintsTheSameChanges() throws Exception {
        assertTracksTheSame(List.of("-t", PREFIX + "x", PREFIX + "y"), List.of(
                new Change(1, "-s", PREFIX + "x", "u8", "1"),
                new Change(0, "-s", PREFIX + "x.sub", "u8", "1"),
                new Change(0, "-s", PREFIX + "xx", "u8", "1"),
                new Change(1, "-s", PREFIX + "y", "str", "y"),
                new Change(1, "-s", PREFIX + "x", "u8", "255"),
                new Change(1, "-d", PREFIX + "y"),
                new Change(1, "-d", PREFIX + "x")));
    }

    /** A key tracked twice, or under two overlapping prefixes, is printed once per track. */
    @Test
    void overlappingTracksPrintEveryChangeOncePerTrack() throws Exception {
        assertTracksTheSame(List.of("-t", PREFIX + "x", PREFIX + "x"), List.of(
                new Change(2, "-s", PREFIX + "x", "u8", "1"),
                new Change(2, "-d", PREFIX + "x")));
        assertTracksTheSame(List.of("-T", PREFIX, PREFIX + "a"), List.of(
                new Change(2, "-s", PREFIX + "a", "u8", "1"),
                new Change(1, "-s", PREFIX + "b", "u8", "1"),
                new Change(3, "-D", PREFIX)));
    }

    @Test
    void binaryAndQuietTrackingPrintTheSame() throws Exception {
        List<Change> changes = List.of(
                new Change(1, "-s", PREFIX + "bin", "bin", "/etc/hostname"),
                new Change(1, "-s", PREFIX + "bin", "bin", "/etc/passwd"),
                new Change(1, "-s", PREFIX + "u", "u16", "7"),
                new Change(1, "-d", PREFIX + "bin"));
        assertTracksTheSame(List.of("-b", "-T", PREFIX), changes);
        c("-D", PREFIX);
        assertTracksTheSame(List.of("-q", "-T", PREFIX), changes);
        c("-D", PREFIX);
        assertTracksTheSame(List.of("-b", "-q", "-T", PREFIX), changes);
    }

    /**
     * The stats map announces every IPC connection as 13 keys created and, when it closes,
     * deleted (with their last values). Each tracker sees the other's connection too, so only
     * the lines caused by a third client are compared.
     */
    @Test
    void statsMapTrackingShowsAnotherClientTheSame() throws Exception {
        final int connectionKeys = 13;
        try (Tracker cTool = Tracker.c("-m", "stats", "-T", "stats.ipcs.service0.")) {
            cTool.awaitLines(1);
            try (Tracker jTool = Tracker.j("-m", "stats", "-T", "stats.ipcs.service0.")) {
                jTool.awaitLines(1);
                int cStart = 1 + connectionKeys;
                cTool.awaitLines(cStart);
                assertEquals("totem.version (u32) = 2\n", c("-g", "totem.version").out());
                cTool.awaitLines(cStart + 2 * connectionKeys);
                jTool.awaitLines(1 + 2 * connectionKeys);
                List<String> fromC = cTool.out().lines().toList().subList(cStart, cStart + 2 * connectionKeys);
                List<String> fromJ = jTool.out().lines().toList().subList(1, 1 + 2 * connectionKeys);
                assertEquals(fromC, fromJ, "what both print for a third client's connection");
                assertEquals(new Run(0, "", "").toString(), new Run(jTool.quit().exit(), "", "").toString());
            }
            assertEquals(0, cTool.quit().exit());
        }
    }

    @Test
    void statsMapTrackingEndsTheSame() throws Exception {
        assertTracksTheSame(List.of("-m", "stats", "-T", "stats.no.such."), List.of());
    }

    /** Only names libcmap itself refuses (256 bytes or more) fail: corosync tracks any name. */
    /** corosync dying under a tracking session: both report the dispatch error and end with status 0. */
    @Test
    void trackingEndsTheSameWhenCorosyncDies(Corosync corosync) throws Exception {
        try (Tracker cTool = Tracker.c("-T", PREFIX); Tracker jTool = Tracker.j("-T", PREFIX)) {
            cTool.awaitLines(1);
            jTool.awaitLines(1);
            c("-s", PREFIX + "before", "u8", "1");
            cTool.awaitLines(2);
            jTool.awaitLines(2);
            corosync.kill();
            Run expected = cTool.finish();
            assertEquals("Dispatch error CS_ERR_LIBRARY\n", expected.err());
            assertSameRun(expected, jTool.finish(), "-T when corosync dies");
        } finally {
            corosync.restart();
        }
    }

    @Test
    void badTrackKeysFailTheSame() {
        String tooLong = PREFIX + "x".repeat(300);
        same("-t", tooLong);
        same("-T", tooLong);
        same("-t", PREFIX + "ok", tooLong);
    }

    @Test
    void jcmapctlEndsAtTheEndOfInput() throws Exception {
        Run immediately = j("-T", PREFIX);
        assertEquals(new Run(0, PROMPT, "").toString(), immediately.toString());
        try (Tracker tracker = Tracker.j("-T", PREFIX)) {
            tracker.awaitLines(1);
            c("-s", PREFIX + "e", "u8", "1");
            tracker.awaitLines(2);
            tracker.closeInput();
            assertEquals(new Run(0, PROMPT + "create> " + PREFIX + "e (u8) = 1\n", "").toString(),
                    tracker.finish().toString());
        }
    }

    /**
     * Changes that reached both tools but were not printed yet when "q" came are printed before
     * the session ends, as the C loop's last dispatch prints them. jcmapctl's output is held (a
     * reader that does not read) while the changes are made, so that they wait behind the first
     * one's write, until its session has read "q" and waits for its dispatcher: before, it closed
     * the handle first and printed 1 of them.
     */
    @Test
    void changesWaitingWhenQuitComesArePrintedTheSame() throws Exception {
        final int changes = 20;
        try (Tracker cTool = Tracker.c("-T", PREFIX); Tracker jTool = Tracker.j("-T", PREFIX)) {
            cTool.awaitLines(1);
            jTool.awaitLines(1);
            jTool.holdOutput();
            for (int i = 0; i < changes; i++) {
                c("-s", PREFIX + "q" + i, "u32", Integer.toString(i));
            }
            jTool.awaitOutputWaiting();
            cTool.awaitLines(1 + changes);
            cTool.write("q\n");
            jTool.write("q\n");
            Tracker.awaitSessionJoiningItsDispatcher();
            jTool.releaseOutput();
            Run expected = cTool.finish();
            assertSameRun(expected, jTool.finish(), "-T with changes waiting when q comes");
        }
    }

    @Test
    void otherInputBeforeQuitIsIgnoredTheSame() throws Exception {
        try (Tracker cTool = Tracker.c("-T", PREFIX); Tracker jTool = Tracker.j("-T", PREFIX)) {
            cTool.awaitLines(1);
            jTool.awaitLines(1);
            for (Tracker tool : List.of(cTool, jTool)) {
                tool.write("x\n\nhelp\n");
            }
            c("-s", PREFIX + "o", "u8", "1");
            cTool.awaitLines(2);
            jTool.awaitLines(2);
            cTool.write("quit\n");
            jTool.write("quit\n");
            assertSameRun(cTool.finish(), jTool.finish(), "-T with other input before quit");
        }
    }

    /**
     * Starts both tools on {@code args}, waits for both prompts, applies the changes one by one
     * (alternately with corosync-cmapctl and jcmapctl), waiting after each for its lines in both
     * outputs, then quits both and compares.
     */
    private static void assertTracksTheSame(List<String> args, List<Change> changes) throws Exception {
        String[] argv = args.toArray(String[]::new);
        try (Tracker cTool = Tracker.c(argv); Tracker jTool = Tracker.j(argv)) {
            int lines = 1;
            cTool.awaitLines(lines);
            jTool.awaitLines(lines);
            boolean byC = true;
            for (Change change : changes) {
                Run applied = byC ? c(change.args()) : j(change.args());
                assertEquals(0, applied.exit(), () -> "applying " + List.of(change.args()) + ": " + applied);
                byC = !byC;
                lines += change.lines();
                cTool.awaitLines(lines);
                jTool.awaitLines(lines);
            }
            Run expected = cTool.quit();
            Run actual = jTool.quit();
            assertSameRun(expected, actual, String.join(" ", args) + " while keys change");
            assertEquals(lines, actual.out().lines().count(), () -> "lines of tracking output:\n" + actual);
        }
    }
}
