package io.jcmap.tools;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** glibc getopt semantics for corosync-cmapctl's option string, plus long options. */
class GetoptTest {
    private static final Getopt GNU = getopt(false);

    private static Getopt getopt(boolean posixlyCorrect) {
        return new Getopt("prog", Getopt.shortOptions(CommandLine.OPTSTRING),
                Map.of("json", false, "socket", true), posixlyCorrect);
    }

    @Test
    void parsesTheOptionString() {
        Map<Character, Boolean> options = Getopt.shortOptions("m:hq");
        assertEquals(Map.of('m', true, 'h', false, 'q', false), options);
    }

    @Test
    void clustersOptionsAndTakesArgumentsFromTheRestOrTheNextArgument() {
        Getopt.Result result = GNU.scan(List.of("-bq", "-mstats", "-p", "file", "key"));
        assertEquals(List.of(new Getopt.ShortOption('b', null), new Getopt.ShortOption('q', null),
                new Getopt.ShortOption('m', "stats"), new Getopt.ShortOption('p', "file")), result.tokens());
        assertEquals(List.of("key"), result.operands());
    }

    @Test
    void anArgumentIsTakenWhateverItLooksLike() {
        assertEquals(List.of(new Getopt.ShortOption('m', "-b")), GNU.scan(List.of("-m", "-b")).tokens());
    }

    @Test
    void permutesOperandsUnlessPosixlyCorrect() {
        Getopt.Result gnu = GNU.scan(List.of("key", "-g", "-", "other"));
        assertEquals(List.of(new Getopt.ShortOption('g', null)), gnu.tokens());
        assertEquals(List.of("key", "-", "other"), gnu.operands());
        Getopt.Result posix = getopt(true).scan(List.of("key", "-g"));
        assertEquals(List.of(), posix.tokens());
        assertEquals(List.of("key", "-g"), posix.operands());
    }

    @Test
    void doubleDashEndsTheOptions() {
        Getopt.Result result = GNU.scan(List.of("-s", "--", "key", "i8", "-5"));
        assertEquals(List.of(new Getopt.ShortOption('s', null)), result.tokens());
        assertEquals(List.of("key", "i8", "-5"), result.operands());
    }

    @Test
    void errorsReadLikeGlibc() {
        assertEquals("prog: invalid option -- 'x'\n", message(GNU.scan(List.of("-x")).tokens().getFirst()));
        assertEquals("prog: option requires an argument -- 'm'\n", message(GNU.scan(List.of("-m")).tokens().getFirst()));
        // an unknown long option is the cluster "-jsn": '-' is the first invalid option
        assertEquals("prog: invalid option -- '-'\n", message(GNU.scan(List.of("--jsn")).tokens().getFirst()));
        assertEquals("prog: option '--json' doesn't allow an argument\n",
                message(GNU.scan(List.of("--json=1")).tokens().getFirst()));
        assertEquals("prog: option '--socket' requires an argument\n",
                message(GNU.scan(List.of("--socket")).tokens().getFirst()));
    }

    @Test
    void aMultiByteOptionIsReportedByItsFirstByte() {
        byte[] expected = {'p', 'r', 'o', 'g', ':', ' ', 'i', 'n', 'v', 'a', 'l', 'i', 'd', ' ', 'o', 'p', 't', 'i',
            'o', 'n', ' ', '-', '-', ' ', '\'', (byte) 0xc3, '\'', '\n'};
        Getopt.Token token = GNU.scan(List.of("-é")).tokens().getFirst();
        assertArrayEquals(expected, assertInstanceOf(Getopt.Error.class, token).message());
    }

    @Test
    void longOptionsTakeInlineOrNextArguments() {
        assertEquals(List.of(new Getopt.LongOption("socket", "/a"), new Getopt.LongOption("socket", "/b"),
                new Getopt.LongOption("json", null)), GNU.scan(List.of("--socket=/a", "--socket", "/b", "--json")).tokens());
    }

    private static String message(Getopt.Token token) {
        return new String(assertInstanceOf(Getopt.Error.class, token).message(), StandardCharsets.UTF_8);
    }
}
