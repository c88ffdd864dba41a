package io.jcmap.tools;

import io.jcmap.testkit.Corosync;
import io.jcmap.testkit.CorosyncExtension;
import io.jcmap.tools.Tools.Run;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.jcmap.tools.Tools.assertContains;
import static io.jcmap.tools.Tools.c;
import static io.jcmap.tools.Tools.j;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What jcmapctl adds to corosync-cmapctl: {@code --json}, {@code --name}, {@code --socket}, {@code --help}. */
@Tag("integration")
class JcmapctlExtensionsIT {
    @RegisterExtension
    static final CorosyncExtension COROSYNC = CorosyncExtension.builder().build();

    private static final String PREFIX = "jtest.json.";
    private static final Pattern JSON_KEY = Pattern.compile("^\\{\"key\":\"([^\"]+)\",\"type\":\"([a-z0-9]+)\",\"value\":(.+)}$");
    private static final Pattern TEXT_KEY = Pattern.compile("^(\\S+) \\(([a-z0-9]+)\\)( = .*)?$");
    private static final String NO_CONNECTION = "Failed to initialize the cmap API. Error CS_ERR_LIBRARY\n";

    @TempDir
    Path dir;

    @BeforeEach
    void clear() {
        c("-D", PREFIX);
    }

    @Test
    void jsonPrintsOneObjectPerKeyWithTypedValues() {
        c("-s", "--", PREFIX + "i8", "i8", "-128");
        c("-s", PREFIX + "u64", "u64", "18446744073709551615");
        c("-s", PREFIX + "flt", "flt", "1.1");
        c("-s", PREFIX + "dbl", "dbl", "1e300");
        c("-s", PREFIX + "nan", "dbl", "nan");
        c("-s", "--", PREFIX + "inf", "flt", "-inf");
        c("-s", PREFIX + "str", "str", "a \"quoted\" \\ tab\tend \u0001");
        c(new byte[] {'a', 'b', 0, 1}, "-s", PREFIX + "bin", "bin", "-");
        assertEquals(new Run(0, """
                {"key":"jtest.json.bin","type":"bin","value":"YWIAAQ=="}
                {"key":"jtest.json.dbl","type":"dbl","value":1.0E300}
                {"key":"jtest.json.flt","type":"flt","value":1.1}
                {"key":"jtest.json.i8","type":"i8","value":-128}
                {"key":"jtest.json.inf","type":"flt","value":"-Infinity"}
                {"key":"jtest.json.nan","type":"dbl","value":"NaN"}
                {"key":"jtest.json.str","type":"str","value":"a \\"quoted\\" \\\\ tab\\tend \\u0001"}
                {"key":"jtest.json.u64","type":"u64","value":18446744073709551615}
                """, "").toString(), j("--json", PREFIX).toString());
        assertEquals(new Run(0, """
                {"key":"jtest.json.u64","type":"u64","value":18446744073709551615}
                {"key":"jtest.json.bin","type":"bin","value":"YWIAAQ=="}
                """, "").toString(), j("--json", "-g", PREFIX + "u64", PREFIX + "bin").toString());
        assertEquals(new Run(0, "18446744073709551615\n\"YWIAAQ==\"\n-128\n", "").toString(),
                j("--json", "-q", "-g", PREFIX + "u64", PREFIX + "bin", PREFIX + "i8").toString());
    }

    @Test
    void jsonListsTheSameKeysAndTypesAsTheText() {
        assertEquals(namesAndTypes(c().out(), TEXT_KEY), namesAndTypes(j("--json").out(), JSON_KEY));
        assertEquals(namesAndTypes(c("-m", "stats", "stats.srp.").out(), TEXT_KEY),
                namesAndTypes(j("--json", "-m", "stats", "stats.srp.").out(), JSON_KEY));
    }

    @Test
    void jsonErrorsAreTheTextErrors() {
        assertEquals(c("-g", PREFIX + "missing").toString(), j("--json", "-g", PREFIX + "missing").toString());
        assertEquals(c("-s", PREFIX + "x", "u8", "300").toString(), j("--json", "-s", PREFIX + "x", "u8", "300").toString());
        assertEquals(c("no.such.prefix.").toString(), j("--json", "no.such.prefix.").toString());
    }

    @Test
    void jsonTrackingPrintsEventsOnStandardOutputAndThePromptOnStandardError() throws Exception {
        try (Tracker tracker = Tracker.j("--json", "-T", PREFIX)) {
            Tracker.awaitOut(() -> !tracker.err().isEmpty(), () -> "no prompt on standard error");
            c("-s", PREFIX + "t", "u8", "1");
            tracker.awaitLines(1);
            c("-s", PREFIX + "t", "str", "two");
            tracker.awaitLines(2);
            c("-d", PREFIX + "t");
            tracker.awaitLines(3);
            assertEquals(new Run(0, """
                    {"event":"create","key":"jtest.json.t","type":"u8","value":1}
                    {"event":"modify","key":"jtest.json.t","type":"str","value":"two","old_type":"u8","old_value":1}
                    {"event":"delete","key":"jtest.json.t","type":"str","value":"two"}
                    """, "Type \"q\" to finish\n").toString(), tracker.quit().toString());
        }
    }

    @Test
    void nameChoosesTheAbstractSocket(Corosync corosync) {
        Run expected = c("-g", "totem.cluster_name");
        assertEquals("totem.cluster_name (str) = " + corosync.clusterName() + "\n", expected.out());
        assertEquals(expected.toString(), j("--name", "cmap", "-g", "totem.cluster_name").toString());
        assertEquals(new Run(1, "", NO_CONNECTION).toString(), j("--name", "jcmap-nobody", "-g", "x.y").toString());
    }

    @Test
    void socketConnectsThroughAFilesystemSocket() throws Exception {
        Path socket = dir.resolve("cmap.sock");
        try (AbstractSocketProxy proxy = new AbstractSocketProxy(socket, "cmap")) {
            assertEquals(c("totem.").toString(), j("--socket", socket.toString(), "totem.").toString());
            assertEquals(new Run(0, "", "").toString(),
                    j("--socket", socket.toString(), "-s", PREFIX + "via.socket", "u8", "5").toString());
            assertEquals("jtest.json.via.socket (u8) = 5\n", c("-g", PREFIX + "via.socket").out());
        }
        // connect(2) fails with ENOENT here, not ECONNREFUSED as for an abstract name nobody serves
        assertEquals(new Run(1, "", "Failed to initialize the cmap API. Error CS_ERR_NOT_EXIST\n").toString(),
                j("--socket", dir.resolve("nothing.sock").toString(), "-g", "x.y").toString());
    }

    /** Only an embedding caller can pass a name that has no bytes; it fails as fopen does with EILSEQ. */
    @Test
    void aFileNameWithoutBytesFailsAsAnInvalidCharacter() {
        Run missing = c("-p", "/nonexistent/jcmap-settings");
        assertEquals(new Run(missing.exit(), "", "Couldn't open file.: No such file or directory\n").toString(),
                missing.toString());
        assertEquals(new Run(missing.exit(), "", "Couldn't open file.: Invalid or incomplete multibyte or wide character\n")
                .toString(), j("-p", "x\uD800").toString());
    }

    @Test
    void endpointOptionsAreChecked() {
        assertEquals(new Run(1, "", "jcmapctl: --socket and --name cannot be combined\n").toString(),
                j("--socket", "/tmp/x", "--name", "cmap").toString());
        assertEquals(new Run(1, "", "jcmapctl: --sandbox cannot be combined with --name\n").toString(),
                j("--sandbox", "--name", "cmap").toString());
        assertEquals(new Run(1, "", "jcmapctl: --container needs --sandbox\n").toString(), j("--container").toString());
        assertEquals(new Run(1, "", "jcmapctl: --name '': abstract socket name is empty: CS_ERR_INVALID_PARAM (7)\n")
                .toString(), j("--name=").toString());
        assertEquals(new Run(1, "", "jcmapctl: --socket '': socket path is empty: CS_ERR_INVALID_PARAM (7)\n")
                .toString(), j("--socket", "").toString());
        Run unknown = j("--jsn");
        assertEquals(1, unknown.exit());
        assertEquals(c("--jsn").toString(), unknown.toString());
    }

    @Test
    void helpAddsTheExtensions() {
        Run help = j("--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().startsWith(c("-h").out()), help::out);
        assertContains(help.out(), "--json");
        assertContains(help.out(), "--socket PATH");
        assertContains(help.out(), "--sandbox");
    }

    private static List<String> namesAndTypes(String output, Pattern line) {
        List<String> names = new ArrayList<>();
        for (String text : output.split("\n")) {
            Matcher matcher = line.matcher(text);
            assertTrue(matcher.matches(), () -> "not a key line: " + text);
            names.add(matcher.group(1) + " " + matcher.group(2));
        }
        assertTrue(names.size() > 5, () -> "too few keys: " + output);
        return names;
    }
}
