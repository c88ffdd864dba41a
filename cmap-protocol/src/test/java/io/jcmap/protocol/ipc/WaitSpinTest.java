package io.jcmap.protocol.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A spin never outlasts the wait it starts: a look (timeout 0) never spins. */
class WaitSpinTest {
    @Test
    void aLookDoesNotSpin() {
        assertEquals(0, WaitSpin.within(0));
        assertEquals(0, WaitSpin.within(-1));
    }

    @Test
    void aShortWaitSpinsNoLongerThanItself() {
        assertEquals(Math.min(WaitSpin.NANOS, 5_000), WaitSpin.within(5_000));
    }

    @Test
    void aLongWaitSpinsTheSetting() {
        assertEquals(WaitSpin.NANOS, WaitSpin.within(Long.MAX_VALUE));
    }
}
