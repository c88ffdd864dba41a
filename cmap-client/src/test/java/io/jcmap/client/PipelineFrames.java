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
        return readsInside(thread, Pipeline.class, "callHeld");
    }

    /**
     * Whether {@code thread}, inside the handle's {@code operation} (a method of the handle, such
     * as {@code trackAdd}), reads answers itself, holding the receive lock, while it waits for its
     * own: an answer that comes now is read by it, and a completion action it completes runs
     * inside that wait.
     */
    public static boolean readsWhileCalling(Thread thread, String operation) {
        return readsInside(thread, ConnectedHandle.class, operation);
    }

    /**
     * Whether {@code thread} is in the pipeline's {@code inner} inside its {@code outer} (such as
     * {@code await} inside {@code callHeld}: its request was sent or queued).
     */
    public static boolean waitsInside(Thread thread, String outer, String inner) {
        if (thread == null) {
            return false;
        }
        boolean in = false;
        for (StackTraceElement frame : thread.getStackTrace()) { // innermost first
            if (frame.getClassName().equals(Pipeline.class.getName())) {
                if (frame.getMethodName().equals(outer)) {
                    return in;
                }
                in |= frame.getMethodName().equals(inner);
            }
        }
        return false;
    }

    /** Whether {@code thread} (null: not started yet) is in {@code type.method}, at any depth. */
    public static boolean isIn(Thread thread, Class<?> type, String method) {
        if (thread == null) {
            return false;
        }
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getClassName().equals(type.getName()) && frame.getMethodName().equals(method)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code thread} reads answers (holding the receive lock) inside {@code type.method}. */
    private static boolean readsInside(Thread thread, Class<?> type, String method) {
        if (thread == null) {
            return false;
        }
        boolean reads = false;
        for (StackTraceElement frame : thread.getStackTrace()) { // innermost first
            if (frame.getClassName().equals(type.getName()) && frame.getMethodName().equals(method)) {
                return reads;
            }
            reads |= frame.getClassName().equals(Pipeline.class.getName())
                    && frame.getMethodName().equals("readUntilDone");
        }
        return false;
    }
}
