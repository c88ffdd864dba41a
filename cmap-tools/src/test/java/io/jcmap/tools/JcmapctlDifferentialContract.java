package io.jcmap.tools;

import io.jcmap.testkit.Corosync;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.jcmap.tools.Tools.Run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.jcmap.tools.Tools.assertQuietSuccess;
import static io.jcmap.tools.Tools.assertSameRun;
import static io.jcmap.tools.Tools.c;
import static io.jcmap.tools.Tools.j;
import static io.jcmap.tools.Tools.same;
import static io.jcmap.tools.Tools.sameBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * What corosync-cmapctl and jcmapctl print for the same command against the same corosync,
 * compared byte for byte (standard output, standard error, exit status). Subclasses choose the
 * IPC transport; both tools always use the one corosync offers.
 */
abstract class JcmapctlDifferentialContract {
    /** Keys the tests create live under here; each test clears its own prefix first. */
    static final String ROOT = "jtest.";

    /**
     * Values that may change between two runs: statistics of the connection that reads them and
     * counters that tick on their own. For these, the key names and types must match; the values
     * are masked.
     */
    private static final Pattern VOLATILE = Pattern.compile(
            "^(stats\\.ipcs\\.|stats\\.knet\\.|stats\\.srp\\.|stats\\.pg\\.|runtime\\.services\\.[a-z]+\\.[0-9]+\\.(rx|tx) )");
    /** A connection's statistics are named after its pid and an address in corosync. */
    private static final Pattern CONNECTION = Pattern.compile("^stats\\.ipcs\\.service([0-9]+)\\.[0-9]+\\.0x[0-9a-f]+\\.");
    private static final Pattern LINE = Pattern.compile("^(\\S+ \\([a-z0-9]+\\))( = .*)?$");

    @TempDir
    Path dir;

    @BeforeEach
    void clearTestKeys() {
        c("-D", ROOT);
    }

    @Test
    void listsEveryKeyTheSame() {
        c("-s", ROOT + "list.bin", "str", "x");
        assertListingsMatch(c(), j());
    }

    @Test
    void listsWithBinaryValuesTheSame() throws IOException {
        Path file = dir.resolve("value");
        Files.write(file, new byte[] {'a', 0, 1, (byte) 0xff, '\n', 'z'});
        assertQuietSuccess(c("-s", ROOT + "b.bin", "bin", file.toString()), "set bin");
        c("-s", ROOT + "b.printable", "bin", "-");
        assertQuietSuccess(c(Tools.bytes("hello"), "-s", ROOT + "b.printable", "bin", "-"), "set bin from stdin");
        assertListingsMatch(c("-b"), j("-b"));
        same(ROOT + "b.");
        same("-b", ROOT + "b.");
        same("-q", ROOT + "b.");
        same("-b", "-q", ROOT + "b.");
        same("-g", ROOT + "b.bin");
        same("-b", "-g", ROOT + "b.bin", ROOT + "b.printable");
        same("-q", "-g", ROOT + "b.bin");
        same("-b", "-q", "-g", ROOT + "b.printable");
    }

    @Test
    void listsPrefixesTheSame() {
        same("totem.");
        same("totem.", "nodelist.");
        same("nodelist.", "totem.");
        same("no.such.prefix.");
        same("no.such.prefix.", "totem.");
        same("totem.", "no.such.prefix.");
        same("-q", "totem.");
        same("totem.cluster_name");
        same("-b", "totem");
    }

    @Test
    void listsTheStatsMapTheSame() {
        assertListingsMatch(c("-m", "stats"), j("-m", "stats"));
        // totem's counters tick between the two runs: names and types must match, values may differ
        assertListingsMatch(c("-m", "stats", "stats.srp."), j("-m", "stats", "stats.srp."));
        same("-m", "stats", "no.such.prefix.");
        assertListingsMatch(c("-m", "stats", "-m", "icmap"), j("-m", "stats", "-m", "icmap"));
    }

    @Test
    void getsKeysTheSame() {
        same("-g", "totem.cluster_name");
        same("-g", "totem.cluster_name", "totem.version", "nodelist.node.0.nodeid");
        same("-q", "-g", "totem.cluster_name");
        same("-q", "-g", "totem.version", "totem.transport");
        same("-g", "totem.cluster_name", "-q");
        same("-m", "stats", "-g", "stats.srp.firewall_enabled_or_nic_failure"); // a stats key that holds still
    }

    @Test
    void everyTypeSetByEitherToolReadsTheSame() {
        String[][] values = {
            {"i8", "-128"}, {"i8", "127"}, {"i8", "0"}, {"i8", "-1"}, {"i8", " 12abc"},
            {"u8", "0"}, {"u8", "255"},
            {"i16", "-32768"}, {"i16", "32767"},
            {"u16", "0"}, {"u16", "65535"},
            {"i32", "-2147483648"}, {"i32", "2147483647"},
            {"u32", "0"}, {"u32", "4294967295"},
            {"i64", "-9223372036854775808"}, {"i64", "9223372036854775807"}, {"i64", "-5"},
            {"u64", "0"}, {"u64", "18446744073709551615"}, {"u64", "-1"}, {"u64", "99999999999999999999"},
            {"flt", "1.5"}, {"flt", "-3.25"}, {"flt", "3.14159265"}, {"flt", "3.4028235e38"}, {"flt", "1e-10"},
            {"flt", "-0"}, {"flt", "inf"}, {"flt", "-inf"}, {"flt", "nan"}, {"flt", "0x1.8p1"}, {"flt", "1e40"},
            {"dbl", "3.141592653589793"}, {"dbl", "-1e300"}, {"dbl", "1e-300"}, {"dbl", "123456789.123456789"},
            {"dbl", "1.7976931348623157e308"}, {"dbl", "-nan"}, {"dbl", "INFINITY"}, {"dbl", "2.5e"},
            {"str", "hello"}, {"str", "hello world"}, {"str", ""}, {"str", "zażółć"}, {"str", "tab\there"},
            {"str", "two\nlines"}, {"str", "x".repeat(16_384)}, {"str", "x".repeat(16_385)},
        };
        int n = 0;
        for (String[] typeAndValue : values) {
            assertSetAndReadTheSame(ROOT + "types.k" + n++, typeAndValue[0], typeAndValue[1]);
        }
    }

    @Test
    void binaryValuesSetByEitherToolReadTheSame() throws IOException {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        Path file = dir.resolve("all-bytes");
        Files.write(file, all);
        assertSetAndReadTheSame(ROOT + "bin.file", "bin", file.toString());
        // corosync keeps values of up to 16 KiB (INVALID_PARAM above); libqb's 1 MiB message limit
        // makes a request with more than 1048280 bytes of value TOO_BIG before it is sent
        assertLargeBinary(16_384, "");
        assertLargeBinary(16_385, "Failed to set key jtest.bin.large. Error CS_ERR_INVALID_PARAM\n");
        assertLargeBinary(1_048_280, "Failed to set key jtest.bin.large. Error CS_ERR_INVALID_PARAM\n");
        assertLargeBinary(1_048_281, "Failed to set key jtest.bin.large. Error CS_ERR_TOO_BIG\n");
        String key = ROOT + "bin.stdin";
        byte[] text = Tools.bytes("some text\n");
        assertQuietSuccess(c(text, "-s", key, "bin", "-"), "C sets bin from stdin");
        Run fromC = readBoth(key);
        c("-d", key);
        assertQuietSuccess(j(text, "-s", key, "bin", "-"), "jcmapctl sets bin from stdin");
        assertEquals(fromC, readBoth(key), "a binary value from stdin");
        same("-s", ROOT + "bin.empty", "bin", "-");
        same("-s", ROOT + "bin.missing", "bin", dir.resolve("no-such-file").toString());
        same("-s", ROOT + "bin.dir", "bin", dir.toString());
    }

    private void assertLargeBinary(int size, String error) throws IOException {
        byte[] bytes = new byte[size];
        new java.util.Random(size).nextBytes(bytes);
        Path file = dir.resolve("large-" + size);
        Files.write(file, bytes);
        c("-d", ROOT + "bin.large");
        assertEquals(error, c("-s", ROOT + "bin.large", "bin", file.toString()).err(), "corosync-cmapctl, " + size);
        assertSetAndReadTheSame(ROOT + "bin.large", "bin", file.toString());
    }

    @Test
    void negativeNumbersNeedDoubleDash() {
        same("-s", ROOT + "neg", "i32", "-5");
        same("-s", "--", ROOT + "neg", "i32", "-5");
        same("-g", ROOT + "neg");
        same("-s", ROOT + "neg", "i32", "--", "-7");
        same("-g", ROOT + "neg");
    }

    @Test
    void badInputFailsTheSame() {
        String key = ROOT + "bad";
        same("-s", key, "i9", "1");
        same("-s", key, "int", "1");
        same("-s", key, "i8", "128");
        same("-s", "--", key, "i8", "-129");
        same("-s", key, "u8", "256");
        same("-s", key, "u16", "65536");
        same("-s", key, "i16", "40000");
        same("-s", key, "i32", "2147483648");
        same("-s", key, "u32", "4294967296");
        same("-s", key, "i64", "9223372036854775808");
        same("-s", key, "i8", "abc");
        same("-s", key, "u64", "x1");
        same("-s", key, "flt", "abc");
        same("-s", key, "dbl", "");
        same("-s", key, "i8");
        same("-s", key);
        same("-s");
        same("-g");
        same("-d");
        same("-D");
        same("-t");
        same("-T");
        same("-g", ROOT + "missing.key");
        same("-g", "totem.cluster_name", ROOT + "missing.key", "totem.version");
        same("-d", ROOT + "missing.key");
        same("-D", ROOT + "missing.");
        String tooLong = ROOT + "x".repeat(300);
        same("-g", tooLong);
        same("-s", tooLong, "u8", "1");
        same("-d", tooLong);
        same(tooLong);
        String longest = ROOT + "k".repeat(255 - ROOT.length());
        same("-s", longest, "u8", "1");
        same("-g", longest);
        same("-s", longest + "k", "u8", "1");
        same("-g", "");
        same("-g", "ab");
        same("-s", "ab", "u8", "1");
        same("-s", ROOT + "bad key!", "u8", "1");
        same("-x");
        same("-é");
        same("-bé", "totem.");
        same("--jsn");
        same("-m");
        same("-m", "nomap");
        same("-m", "stats", "-m", "nomap", "-g", "stats.srp.mcast_tx");
        same("-C", "nothing");
        same("-p", dir.resolve("no-such-file").toString());
        same("-p");
        // fopen("") fails with ENOENT, where Java's Path.of("") is the working directory
        same("-p", "");
        same("-s", ROOT + "empty", "bin", "");
        same("-h");
        same("-h", "-x");
        same("-x", "-h");
    }

    @Test
    void argumentBytesThatAreNotUtf8AreKeptAsTheyAreInC() {
        byte[] latin1Cafe = Tools.bytes("caf\u00e9");
        byte[] key = Tools.bytes(ROOT + "arg.l1");
        assertQuietSuccess(sameBytes(Tools.bytes("-s"), key, Tools.bytes("str"), latin1Cafe), "-s str caf\\xe9");
        readBoth(ROOT + "arg.l1");
        assertEquals(ROOT + "arg.l1 (str) = caf\u00e9\n", c("-g", ROOT + "arg.l1").out());
        sameBytes(Tools.bytes("-s"), key, Tools.bytes("u8"), Tools.bytes("1\u00ff"));
        sameBytes(Tools.bytes("-g"), Tools.bytes(ROOT + "arg.\u00ff"));
        sameBytes(Tools.bytes("-s"), Tools.bytes(ROOT + "arg.\u00ff"), Tools.bytes("u8"), Tools.bytes("1"));
        sameBytes(Tools.bytes("-\u00ff"));
        sameBytes(Tools.bytes("-s"), key, Tools.bytes("\u00e9"), Tools.bytes("1"));
        sameBytes(Tools.bytes(ROOT + "arg."));
    }

    @Test
    void fileNamesThatAreNotUtf8OpenAsInC() throws Exception {
        // Java cannot name such a file: bash makes it
        Process make = new ProcessBuilder("bash", "-c", "printf '" + ROOT + "fn.p u8 5\\n' >\"$0\"/$'f\\xe9'",
                dir.toString()).inheritIO().start();
        assertEquals(0, make.waitFor());
        byte[] name = Tools.bytes(dir + "/f\u00e9");
        assertQuietSuccess(sameBytes(Tools.bytes("-p"), name), "-p f\\xe9");
        assertEquals(ROOT + "fn.p (u8) = 5\n", c("-g", ROOT + "fn.p").out());
        assertQuietSuccess(sameBytes(Tools.bytes("-s"), Tools.bytes(ROOT + "fn.b"), Tools.bytes("bin"), name), "bin");
        readBoth(ROOT + "fn.b");
        sameBytes(Tools.bytes("-p"), Tools.bytes(dir + "/missing\u00e9"));
        sameBytes(Tools.bytes("-s"), Tools.bytes(ROOT + "fn.b"), Tools.bytes("bin"), Tools.bytes(dir + "/missing\u00e9"));
    }

    @Test
    void aFileThatFailsToReadIsTreatedAsInC() {
        // /proc/self/mem opens, and reading at offset 0 fails with EIO: address 0 is not mapped
        same("-p", "/proc/self/mem");
        c("-s", ROOT + "io.b", "bin", "-");
        same("-s", ROOT + "io.b", "bin", "/proc/self/mem");
        same(ROOT + "io.");
    }

    @Test
    void deletesTheSame() {
        for (String deleter : List.of("C", "J")) {
            c("-s", ROOT + "del.a", "u8", "1");
            c("-s", ROOT + "del.b", "u8", "2");
            c("-s", ROOT + "del.c.1", "str", "x");
            c("-s", ROOT + "del.c.2", "str", "y");
            c("-s", ROOT + "del.d", "str", "z");
            String[] deleteKeys = {"-d", ROOT + "del.a", ROOT + "del.b"};
            String[] deletePrefix = {"-D", ROOT + "del.c.", ROOT + "nothing."};
            Run deleted = deleter.equals("C") ? c(deleteKeys) : j(deleteKeys);
            assertQuietSuccess(deleted, deleter + " -d");
            Run prefixDeleted = deleter.equals("C") ? c(deletePrefix) : j(deletePrefix);
            assertQuietSuccess(prefixDeleted, deleter + " -D");
            assertEquals("jtest.del.d (str) = z\n", same(ROOT + "del.").out(), "after " + deleter + " deleted");
        }
        c("-s", ROOT + "del.a", "u8", "1");
        same("-d", ROOT + "del.a", ROOT + "del.a");
    }

    @Test
    void loadsSettingsFilesTheSame() throws IOException {
        c("-s", ROOT + "p.gone", "u8", "1");
        c("-s", ROOT + "p.old.1", "u8", "1");
        c("-s", ROOT + "p.old.2", "u8", "1");
        Path file = dir.resolve("settings");
        Files.writeString(file, """
                # a comment
                   # an indented comment

                jtest.p.u8 u8 7
                jtest.p.str str two words
                jtest.p.dbl dbl 2.5
                jtest.p.i64 i64 -42
                jtest.p.spaced   u16    9  trailing
                ^jtest.p.gone
                ^jtest.p.never.there u8 1
                ^^jtest.p.old.
                ^^jtest.p.never.
                """);
        assertLoadsTheSame(file);
        Path incomplete = dir.resolve("incomplete");
        Files.writeString(incomplete, "jtest.p.first u8 1\njtest.p.second u8\njtest.p.third u8 3\n");
        assertLoadsTheSame(incomplete);
        Path badValue = dir.resolve("bad-value");
        Files.writeString(badValue, "jtest.p.ok u8 1\njtest.p.bad u8 300\njtest.p.after u8 3\n");
        assertLoadsTheSame(badValue);
        Path badType = dir.resolve("bad-type");
        Files.writeString(badType, "jtest.p.bad q8 1\n");
        assertLoadsTheSame(badType);
        Path blankLast = dir.resolve("blank-last");
        Files.writeString(blankLast, "jtest.p.x u8 1\n   ");
        assertLoadsTheSame(blankLast);
        Path latin1 = dir.resolve("latin1");
        // written as ISO-8859-1: E9 and FF start no UTF-8 sequence, C3 A9 is "é" in UTF-8
        Files.write(latin1, Tools.bytes("jtest.p.l1 str caf\u00e9\njtest.p.mixed str \u00ff\u00c3\u00a9x \u00e9\n"
                + "jtest.p.n\u00e9 u8 1\njtest.p.num u8 1\u00e9\n"));
        assertLoadsTheSame(latin1);
        Path crlf = dir.resolve("crlf");
        Files.writeString(crlf, "jtest.p.a u8 7\r\njtest.p.s str word\r\n^jtest.p.gone\r\n");
        assertLoadsTheSame(crlf);
        same("-p", dir.toString());
    }

    @Test
    void clearsStatsTheSame() {
        same("-C", "ipc");
        same("-C", "all");
        same("-C", "totem", "-m", "icmap");
    }

    /** With 2>&1, the unbuffered errors come before the buffered output, in both. */
    @Test
    void interleavesOutputAndErrorsTheSame() {
        Tools.sameMerged("-g", "totem.cluster_name", ROOT + "missing", "totem.version");
        Tools.sameMerged("-s", ROOT + "x", "u8", "300");
        Tools.sameMerged("-x", "totem.");
        c("-s", ROOT + "m.a", "u8", "1");
        Tools.sameMerged("-d", ROOT + "m.a", ROOT + "m.a");
    }

    /** A burst of changes from one -p file: both trackers print all of them, in the same order. */
    @Test
    void tracksABurstOfChangesTheSame() throws Exception {
        StringBuilder settings = new StringBuilder();
        int keys = 40;
        for (int i = 0; i < keys; i++) {
            settings.append(ROOT).append("burst.k").append(i).append(" u32 ").append(i).append('\n');
        }
        for (int i = 0; i < keys; i += 2) {
            settings.append(ROOT).append("burst.k").append(i).append(" str s").append(i).append('\n');
        }
        settings.append("^^").append(ROOT).append("burst.\n");
        Path file = dir.resolve("burst");
        Files.writeString(file, settings.toString());
        int lines = 1 + keys + keys / 2 + keys;
        try (Tracker cTool = Tracker.c("-T", ROOT + "burst."); Tracker jTool = Tracker.j("-T", ROOT + "burst.")) {
            cTool.awaitLines(1);
            jTool.awaitLines(1);
            assertQuietSuccess(c("-p", file.toString()), "-p burst");
            cTool.awaitLines(lines);
            jTool.awaitLines(lines);
            assertSameRun(cTool.quit(), jTool.quit(), "-T during a burst of " + (lines - 1) + " changes");
        }
    }

    /** Runs the file with each tool from the same start and compares what they print and leave. */
    private void assertLoadsTheSame(Path file) {
        c("-D", ROOT + "p.");
        c("-s", ROOT + "p.gone", "u8", "1");
        c("-s", ROOT + "p.old.1", "u8", "1");
        Run byC = c("-p", file.toString());
        Run stateC = c(ROOT + "p.");
        c("-D", ROOT + "p.");
        c("-s", ROOT + "p.gone", "u8", "1");
        c("-s", ROOT + "p.old.1", "u8", "1");
        Run byJ = j("-p", file.toString());
        Run stateJ = c(ROOT + "p.");
        assertSameRun(byC, byJ, "-p " + file.getFileName());
        assertSameRun(stateC, stateJ, "the keys after -p " + file.getFileName());
    }

    /**
     * Sets the key with corosync-cmapctl, reads it with both tools; deletes it, sets it with
     * jcmapctl, reads it with both again: all four readings and both set outputs must be equal.
     */
    static void assertSetAndReadTheSame(String key, String type, String value) {
        String what = "-s " + key + " " + type + " '" + value + "'";
        Run setByC = c("-s", "--", key, type, value);
        Run readAfterC = setByC.exit() == 0 ? readBoth(key) : null;
        c("-d", key);
        Run setByJ = j("-s", "--", key, type, value);
        assertSameRun(setByC, setByJ, what);
        Run readAfterJ = setByJ.exit() == 0 ? readBoth(key) : null;
        assertEquals(readAfterC, readAfterJ, "readings after " + what);
        if (setByC.exit() == 0) {
            assertNotEquals("", readAfterJ.out(), "a reading of " + key);
        }
    }

    /**
     * Reads a key with both tools as -g, -q -g and a prefix listing (with and without -b for
     * binary values), asserts they agree, returns the readings.
     */
    static Run readBoth(String key) {
        List<String[]> forms = new java.util.ArrayList<>(List.of(new String[] {"-g", key},
                new String[] {"-q", "-g", key}, new String[] {key}));
        Run plain = same(forms.getFirst());
        if (plain.out().endsWith("(bin)\n")) {
            forms.addAll(List.of(new String[] {"-b", "-g", key}, new String[] {"-b", "-q", "-g", key},
                    new String[] {"-b", key}));
        }
        StringBuilder out = new StringBuilder(plain.out());
        for (String[] args : forms.subList(1, forms.size())) {
            out.append(same(args));
        }
        return new Run(0, out.toString(), "");
    }

    /**
     * Compares two full listings line by line: equal, except that for {@link #VOLATILE} keys only
     * names and types must match, and a connection's own statistics are named after its pid.
     */
    static void assertListingsMatch(Run expected, Run actual) {
        assertEquals(expected.exit(), actual.exit(), "exit status");
        assertEquals(expected.err(), actual.err(), "stderr");
        assertEquals(masked(expected.out()), masked(actual.out()), "stdout with volatile values masked");
        assertNotEquals("", expected.out());
    }

    static String masked(String listing) {
        StringBuilder masked = new StringBuilder();
        for (String line : listing.split("\n", -1)) {
            Matcher connection = CONNECTION.matcher(line);
            String named = connection.find()
                    ? connection.replaceFirst("stats.ipcs.service" + connection.group(1) + ".<pid>.<connection>.")
                    : line;
            Matcher parts = LINE.matcher(named);
            if (VOLATILE.matcher(named).find() && parts.matches()) {
                named = parts.group(1) + (parts.group(2) == null ? "" : " = <masked>");
            }
            masked.append(named).append('\n');
        }
        return masked.toString();
    }

    abstract Corosync corosync();

    /** The transport in use is the one the subclass asked for. */
    @Test
    void usesTheConfiguredTransport() {
        assertEquals("system.qb_ipc_type (str) = " + corosync().ipcType().configValue() + "\n",
                same("-g", "system.qb_ipc_type").out());
    }
}
