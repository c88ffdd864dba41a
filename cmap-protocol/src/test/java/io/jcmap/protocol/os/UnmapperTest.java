package io.jcmap.protocol.os;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

class UnmapperTest {
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    @Test
    void closesEveryArenaHandedOverAndItsMemoryCanNoLongerBeReached() {
        List<Arena> arenas = new ArrayList<>();
        List<MemorySegment> segments = new ArrayList<>();
        for (int i = 0; i < 3 * Unmapper.MAX_PENDING; i++) { // beyond the queue, some close at once
            Arena arena = Arena.ofShared();
            segments.add(AnonymousMemory.reserve(1 << 16, arena));
            arenas.add(arena);
            Unmapper.release(arena);
        }
        assertTrue(Unmapper.awaitIdle(WAIT_NANOS), "all closed in time");
        for (int i = 0; i < arenas.size(); i++) {
            assertFalse(arenas.get(i).scope().isAlive(), "arena " + i + " closed");
            MemorySegment segment = segments.get(i);
            assertThrows(IllegalStateException.class, () -> segment.get(ValueLayout.JAVA_BYTE, 0));
        }
    }

    @Test
    void anonymousMemoryIsWritableToItsEndAndReadsZeroWhereUntouched() {
        try (Arena arena = Arena.ofConfined()) {
            int length = 1 << 20;
            MemorySegment memory = AnonymousMemory.reserve(length, arena);
            memory.set(ValueLayout.JAVA_BYTE, length - 1, (byte) 0x5a);
            assertTrue(memory.get(ValueLayout.JAVA_BYTE, length - 1) == 0x5a);
            assertTrue(memory.get(ValueLayout.JAVA_BYTE, length / 2) == 0, "fresh pages read as zero");
        }
    }
}
