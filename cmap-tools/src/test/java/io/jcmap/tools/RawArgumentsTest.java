package io.jcmap.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The raw command line from the bytes of /proc/self/cmdline. */
class RawArgumentsTest {
    /** What the launcher's process has: java, its options, the class, then the arguments. */
    private static final String JVM = "java\0-cp\0/x/classes\0io.jcmap.tools.Jcmapctl\0";

    @Test
    void argumentsComeFromTheEndOfTheCommandLineWithTheirBytes() {
        byte[] cmdline = latin1(JVM + "-s\0k.e\0str\0caf\u00e9\0");
        String[] jvm = {"-s", "k.e", "str", "caf\uFFFD"};
        assertArrayEquals(new String[] {"-s", "k.e", "str", "caf\uDCE9"}, RawArguments.parse(cmdline).arguments(jvm));
    }

    @Test
    void utf8AndEmptyArgumentsReadAsTheJvmReadsThem() {
        byte[] cmdline = (JVM + "-g\0\0h\u00e9\0").getBytes(StandardCharsets.UTF_8);
        String[] jvm = {"-g", "", "h\u00e9"};
        assertArrayEquals(jvm, RawArguments.parse(cmdline).arguments(jvm));
        assertArrayEquals(new String[0], RawArguments.parse(latin1(JVM)).arguments(new String[0]));
    }

    @Test
    void aCommandLineThatDoesNotMatchIsNotUsed() {
        String[] jvm = {"-g", "totem.version"};
        assertSame(jvm, RawArguments.parse(latin1(JVM + "-g\0totem.cluster_name\0")).arguments(jvm));
        assertSame(jvm, RawArguments.parse(latin1("totem.version\0")).arguments(jvm));
        assertSame(jvm, RawArguments.parse(new byte[0]).arguments(jvm));
        String[] lossy = {"-s", "k", "str", "x?"};
        assertSame(lossy, RawArguments.parse(latin1(JVM + "-s\0k\0str\0y\u00e9\0")).arguments(lossy));
    }

    @Test
    void theProgramNameComesFromItsPropertyWithItsBytes() {
        byte[] cmdline = latin1("java\0-Djcmapctl.argv0=/d\u00e9/j\0-cp\0x\0Main\0-Djcmapctl.argv0=arg\0");
        assertEquals("/d\uDCE9/j", RawArguments.parse(cmdline).property("jcmapctl.argv0", "/d\uFFFD/j"));
        assertEquals("fallback", RawArguments.parse(cmdline).property("other", "fallback"));
        assertEquals(null, RawArguments.parse(cmdline).property("other", null));
    }

    private static byte[] latin1(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
