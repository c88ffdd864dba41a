package io.jcmap.protocol.os;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class PollGroupTest {

    /** poll(2) on the group's descriptor for input, as an application's loop does. */
    private static boolean readable(PollGroup group, int timeoutMillis) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pollfd = arena.allocate(PollfdDescriptor.LENGTH, 4);
            pollfd.set(JAVA_INT, PollfdDescriptor.FD_OFFSET, group.fd());
            pollfd.set(JAVA_SHORT, PollfdDescriptor.EVENTS_OFFSET, LinuxAbi.POLLIN);
            int ready = Libc.poll(pollfd, 1, timeoutMillis);
            assertTrue(ready >= 0, "poll failed");
            return ready == 1 && (pollfd.get(JAVA_SHORT, PollfdDescriptor.REVENTS_OFFSET) & LinuxAbi.POLLIN) != 0;
        }
    }

    @Test
    void isReadableWhileAMemberHasInputAndAfterAMembersPeerHangsUp() {
        UnixSocket[] messages = UnixSocket.pair(true);
        UnixSocket[] link = UnixSocket.pair(false);
        try (Arena arena = Arena.ofConfined();
             PollGroup group = PollGroup.of(messages[0].fd(), link[0].fd())) {
            MemorySegment one = arena.allocate(1);
            assertFalse(readable(group, 0), "quiet members");

            one.set(JAVA_BYTE, 0, (byte) 7);
            assertEquals(1, messages[1].send(one, 1));
            assertTrue(readable(group, 0), "a message waits on the first member");
            assertEquals(1, messages[0].receive(one, 1));
            assertFalse(readable(group, 0), "taken: level-triggered, quiet again");

            link[1].close();
            assertTrue(readable(group, 1000), "the second member's peer hung up");
            assertTrue(readable(group, 0), "and stays readable");
        } finally {
            for (UnixSocket socket : new UnixSocket[] {messages[0], messages[1], link[0]}) {
                socket.close();
            }
        }
    }
}
