package io.jcmap.client;

/** What a thread's stack shows of {@link TrackRegistry}, for tests that must act while it waits. */
public final class TrackRegistryFrames {
    private TrackRegistryFrames() {
    }

    /** Whether {@code thread} is inside trackDelete's wait for a callback running on another thread. */
    public static boolean waitsForARunningCallback(Thread thread) {
        if (thread == null) {
            return false;
        }
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getClassName().equals(TrackRegistry.Registration.class.getName())
                    && frame.getMethodName().equals("end")) {
                return true;
            }
        }
        return false;
    }
}
