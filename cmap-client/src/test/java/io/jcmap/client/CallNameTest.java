package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class CallNameTest {
    @Test
    void aKeyCorosyncAcceptsIsShownAsItIs() {
        String key = "nodelist.node.0.ring0_addr:x-y/z";
        assertSame(key, CallName.printable(key), "not copied");
        assertEquals("get(totem.token)", CallName.of("get", "totem.token"));
        assertEquals("iter_init", CallName.of("iter_init", null));
    }

    @Test
    void invisibleCharactersAreEscapedWhereTheyAre() {
        assertEquals("get(totem.token\\r)", CallName.of("get", "totem.token\r"));
        assertEquals("set(a\\nb)", CallName.of("set", "a\nb"));
        assertEquals("set(a\\tb\\0c)", CallName.of("set", "a\tb\0c"));
        assertEquals("get(\\ufefftotem.token)", CallName.of("get", "\uFEFFtotem.token"), "byte order mark");
        assertEquals("get(a\\u200bb)", CallName.of("get", "a\u200Bb"), "zero-width space");
        assertEquals("get(a\\u2028b)", CallName.of("get", "a\u2028b"), "line separator");
        assertEquals("get(a\\u001bb\\u007f)", CallName.of("get", "a\u001Bb\u007F"));
    }

    @Test
    void theBackslashIsEscapedSoThatTheEscapedFormIsUnambiguous() {
        assertEquals("get(a\\\\nb)", CallName.of("get", "a\\nb"), "a backslash and an n, not a newline");
    }

    @Test
    void onlySurrogatesWithoutTheirPairAreEscaped() {
        assertEquals("get(k\uD83D\uDE00)", CallName.of("get", "k\uD83D\uDE00"), "a pair is a character");
        assertEquals("get(k\\ud83d)", CallName.of("get", "k\uD83D"));
        assertEquals("get(\\ude00k)", CallName.of("get", "\uDE00k"));
        assertEquals("get(\\ude00\\ud83d)", CallName.of("get", "\uDE00\uD83D"), "reversed: neither is paired");
    }
}
