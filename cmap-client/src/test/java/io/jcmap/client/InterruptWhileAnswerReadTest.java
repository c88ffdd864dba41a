package io.jcmap.client;

import com.sun.jdi.ObjectReference;
import com.sun.jdi.StringReference;
import com.sun.jdi.Value;
import com.sun.jdi.request.StepRequest;

import io.jcmap.client.DebuggedChildJvm.Hold;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A caller that gives up (an interrupt, decision 0035) while another thread delivers its answer:
 * the reader looked at whether the caller still waits, then uses the request's decoder, which the
 * caller's giving up let go of meanwhile. The moment cannot be held from the outside, so the
 * program ({@link InterruptWhileAnswerReadProgram}) runs in a JVM of its own under this test's
 * debugger ({@link DebuggedChildJvm}), which holds the reader just after its look while the
 * program interrupts the caller.
 */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class InterruptWhileAnswerReadTest {
    @Test
    void aCallerGivingUpWhileAnotherThreadDeliversItsAnswerLeavesTheReaderWorking() throws Exception {
        // inside the reader's delivery of "b", over the look at whether its caller still waits
        DebuggedChildJvm.run(InterruptWhileAnswerReadProgram.class, Hold.atCallOf(AnswerDelivery.class, "deliver")
                .when(thread -> {
                    ObjectReference pending = (ObjectReference) thread.frame(0).getArgumentValues().getFirst();
                    Value key = pending.getValue(pending.referenceType().fieldByName("key"));
                    return key instanceof StringReference name && name.value().equals("b");
                })
                .thenStep(StepRequest.STEP_LINE, StepRequest.STEP_OVER));
    }
}
