package io.jcmap.client;

import com.sun.jdi.request.StepRequest;

import io.jcmap.client.DebuggedChildJvm.Hold;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A caller waiting for another thread's reading looks at its interrupt status, then, if it is
 * not ending, parks: an interrupt that lands between the look and the park must end the call as
 * one before the look does (decision 0035). The moment cannot be held from the outside, so the
 * program ({@link InterruptWhileParkingProgram}) runs in a JVM of its own under this test's
 * debugger ({@link DebuggedChildJvm}), which holds the caller just after its look while the
 * program interrupts it.
 */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class InterruptWhileParkingTest {
    @Test
    void anInterruptBetweenTheLookAndTheParkEndsTheCall() throws Exception {
        // back in Pipeline.await from its first look at its status (abandonIfInterrupted), the look
        // made (not interrupted)
        DebuggedChildJvm.run(InterruptWhileParkingProgram.class, Hold.atCallOf(Pipeline.class, "abandonIfInterrupted")
                .when(thread -> thread.frame(1).location().method().name().equals("await"))
                .thenStep(StepRequest.STEP_MIN, StepRequest.STEP_OUT));
    }
}
