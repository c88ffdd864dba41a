package io.jcmap.protocol.os;

import io.jcmap.protocol.ErrnoException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** sockaddr_un as libqb builds it: family @0 (2 bytes), sun_path @2 (108 bytes), length 110. */
class UnixAddressTest {
    private static final int ENAMETOOLONG = 36;

    private static byte[] written(UnixAddress address, int[] length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sockaddr = arena.allocate(110);
            sockaddr.fill((byte) 0x55);                        // must be overwritten entirely
            length[0] = address.writeTo(sockaddr);
            return sockaddr.toArray(JAVA_BYTE);
        }
    }

    @Test
    void abstractNameIsPaddedToTheFull108BytesAndLength110() {
        int[] length = new int[1];
        byte[] bytes = written(UnixAddress.abstractName("cmap"), length);
        assertEquals(110, length[0]);
        assertEquals(1, MemorySegment.ofArray(bytes).get(JAVA_SHORT_UNALIGNED, 0));  // AF_UNIX
        assertEquals(0, bytes[2]);                                                  // leading NUL
        assertArrayEquals("cmap".getBytes(StandardCharsets.US_ASCII), java.util.Arrays.copyOfRange(bytes, 3, 7));
        for (int i = 7; i < 110; i++) {
            assertEquals(0, bytes[i], "padding byte " + i);
        }
    }

    @Test
    void pathNameIsNulTerminatedAndSizedToIt() {
        int[] length = new int[1];
        byte[] bytes = written(UnixAddress.path("/run/x.sock"), length);
        assertEquals(2 + 11 + 1, length[0]);
        assertEquals(1, MemorySegment.ofArray(bytes).get(JAVA_SHORT_UNALIGNED, 0));
        assertArrayEquals("/run/x.sock".getBytes(StandardCharsets.US_ASCII), java.util.Arrays.copyOfRange(bytes, 2, 13));
        assertEquals(0, bytes[13]);
    }

    @Test
    void namesMustFitSunPathWithTheirNul() {
        UnixAddress.abstractName("a".repeat(107));
        UnixAddress.path("/" + "a".repeat(106));
        ErrnoException tooLong = assertThrows(ErrnoException.class, () -> UnixAddress.abstractName("a".repeat(108)));
        assertEquals(ENAMETOOLONG, tooLong.errno());
        assertEquals(ENAMETOOLONG, assertThrows(ErrnoException.class, () -> UnixAddress.path("/" + "a".repeat(107))).errno());
        assertEquals(ENAMETOOLONG, assertThrows(ErrnoException.class, () -> UnixAddress.abstractName("")).errno());
    }

    @Test
    void valueSemantics() {
        assertEquals(UnixAddress.abstractName("cmap"), UnixAddress.abstractName("cmap"));
        assertEquals(UnixAddress.abstractName("cmap").hashCode(), UnixAddress.abstractName("cmap").hashCode());
        assertNotEquals(UnixAddress.abstractName("cmap"), UnixAddress.path("cmap"));
        assertEquals("@cmap", UnixAddress.abstractName("cmap").toString());
        assertEquals("/x", UnixAddress.path("/x").toString());
        byte[] name = UnixAddress.abstractName("cmap").name();
        name[0] = 'X';
        assertEquals("@cmap", UnixAddress.abstractName("cmap").toString());
    }

    @Test
    void theKernelSeesThePaddedAbstractName() throws IOException {
        String name = "jcmap-addr-" + UUID.randomUUID();
        try (UnixSocket socket = UnixSocket.stream()) {
            socket.bind(UnixAddress.abstractName(name));
            // /proc/net/unix shows abstract names with '@' for every NUL, padding included
            String expected = "@" + name + "@".repeat(107 - name.length());
            assertTrue(Files.readAllLines(Path.of("/proc/net/unix")).stream().anyMatch(l -> l.endsWith(" " + expected)),
                    "no socket named " + expected);
        }
    }
}
