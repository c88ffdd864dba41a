package io.jcmap.client;

/** What a thread's stack shows of {@link Pipeline}, for tests that must act while it waits. */
public final class PipelineFrames {
    private PipelineFrames() {
    }

    /**
     * Whether {@code thread} holds the wire for the start of an iteration ({@link Pipeline#callHeld})
     * and reads answers itself, holding the receive lock, while it waits for the first one's: an
     * answer that comes now is read by it, and a completion action it completes runs inside the hold.
     */
    public static boolean readsWhileHoldingTheWire(Thread thread) {
        if (thread == null) {
            return false;
        }
        boolean reads = false;
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getClassName().equals(Pipeline.class.getName())) {
                reads |= frame.getMethodName().equals("readUntilDone");
                if (frame.getMethodName().equals("callHeld")) {
                    return reads;
                }
            }
        }
        return false;
    }
}
