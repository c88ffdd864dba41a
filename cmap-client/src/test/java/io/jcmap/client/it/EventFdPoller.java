package io.jcmap.client.it;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.time.Duration;

/**
 * poll(2) on a raw descriptor, as an application's event loop polls {@code cmap_fd_get}'s
 * descriptor: Java's own I/O cannot poll a descriptor it did not open.
 */
public final class EventFdPoller {
    /** {@code POLLIN} of poll.h. */
    private static final short POLLIN = 0x001;
    /** {@code struct pollfd}: int fd; short events; short revents. */
    private static final StructLayout POLLFD = MemoryLayout.structLayout(
            JAVA_INT.withName("fd"), JAVA_SHORT.withName("events"), JAVA_SHORT.withName("revents"));
    private static final long FD_OFFSET = POLLFD.byteOffset(groupElement("fd"));
    private static final long EVENTS_OFFSET = POLLFD.byteOffset(groupElement("events"));
    private static final long REVENTS_OFFSET = POLLFD.byteOffset(groupElement("revents"));
    private static final MethodHandle POLL = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("poll").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

    private EventFdPoller() {
    }

    /** True when {@code fd} is readable within {@code timeout} (zero: just look). */
    public static boolean readable(int fd, Duration timeout) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pollfd = arena.allocate(POLLFD);
            pollfd.set(JAVA_INT, FD_OFFSET, fd);
            pollfd.set(JAVA_SHORT, EVENTS_OFFSET, POLLIN);
            int ready = (int) POLL.invokeExact(pollfd, 1L, (int) timeout.toMillis());
            if (ready < 0) {
                throw new AssertionError("poll(" + fd + ") failed");
            }
            return ready > 0 && (pollfd.get(JAVA_SHORT, REVENTS_OFFSET) & POLLIN) != 0;
        } catch (Throwable e) {
            if (e instanceof Error error) {
                throw error;
            }
            throw new AssertionError("poll(" + fd + ") could not be called", e);
        }
    }
}
