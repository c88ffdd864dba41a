package io.jcmap.client;

import com.sun.jdi.Location;
import io.jcmap.client.DebuggedChildJvm.Hold;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 4. trackDelete reads the tracking's server handle, then picks the connection to send it on:
 * a reconnect that registers the tracking again and installs the new connection in between makes
 * it send the lost connection's handle to the new connection's server, which does not know it.
 * The moment between two reads cannot be held from the outside, so the program
 * ({@link TrackDeleteAcrossReconnectProgram}) runs in a JVM of its own under this test's debugger
 * ({@link DebuggedChildJvm}), which holds the deleting thread at its first call after the handle
 * was read (choosing the connection, or calling the pipeline it chose) while the program reconnects.
 */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TrackDeleteAcrossReconnectTest {
    @Test
    void aTrackDeleteRacingAReconnectSendsTheHandleOfTheConnectionItSendsTo() throws Exception {
        // the deleting thread's next call into the handle's connection choice or its pipeline
        DebuggedChildJvm.run(TrackDeleteAcrossReconnectProgram.class,
                Hold.atCallOf(ConnectedHandle.class, "pipeline").orCallOf(Pipeline.class, "call")
                        .when(thread -> isTrackDelete(thread.frame(1).location())));
    }

    /** The caller is trackDelete ({@link Trackings#delete}). */
    private static boolean isTrackDelete(Location location) {
        return location.declaringType().name().equals(Trackings.class.getName())
                && location.method().name().equals("delete");
    }
}
