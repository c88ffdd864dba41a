package io.jcmap.protocol.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ResponseSpinTest {
    private static final long BASE = 30_000;
    private static final long LONGEST = 100_000;
    private static final long FOREVER = Long.MAX_VALUE;

    @Test
    void aNewConnectionSpinsTheBaseAndNeverLongerThanTheWait() {
        ResponseSpin spin = new ResponseSpin(BASE, LONGEST);
        assertEquals(BASE, spin.within(FOREVER));
        assertEquals(5_000, spin.within(5_000));
        assertEquals(0, spin.within(0));
        assertEquals(0, spin.within(-1));
    }

    @Test
    void anAnswerSlowerThanTheSpinLengthensTheNextOneToHalfAgainItsTime() {
        ResponseSpin spin = new ResponseSpin(BASE, LONGEST);
        spin.answered(40_000);
        assertEquals(60_000, spin.within(FOREVER));
        spin.answered(45_000);
        assertEquals(67_500, spin.within(FOREVER));
    }

    @Test
    void quickAnswersBringItBackToTheBaseNotBelow() {
        ResponseSpin spin = new ResponseSpin(BASE, LONGEST);
        spin.answered(60_000);
        spin.answered(6_000);
        assertEquals(BASE, spin.within(FOREVER));
    }

    @Test
    void itNeverLearnsBeyondTheLongest() {
        ResponseSpin spin = new ResponseSpin(BASE, LONGEST);
        spin.answered(90_000);
        assertEquals(LONGEST, spin.within(FOREVER));
    }

    @Test
    void anAnswerSlowerThanTheLongestSetsItBackToTheBase() {
        ResponseSpin spin = new ResponseSpin(BASE, LONGEST);
        spin.answered(60_000);
        spin.answered(5_000_000);
        assertEquals(BASE, spin.within(FOREVER));
    }

    @Test
    void withSpinningOffItStaysOff() {
        ResponseSpin spin = new ResponseSpin(0, LONGEST);
        spin.answered(40_000);
        assertEquals(0, spin.within(FOREVER));
    }
}
