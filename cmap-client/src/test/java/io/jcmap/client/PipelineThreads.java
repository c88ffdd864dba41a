package io.jcmap.client;

import java.lang.reflect.Field;

/** The threads a {@link Pipeline}'s parts keep in private fields, read reflectively by tests. */
final class PipelineThreads {
    private PipelineThreads() {
    }

    /** The pipeline's response thread ({@link ResponseThread}), or null before it started. */
    static Thread drainer(Pipeline pipeline) throws ReflectiveOperationException {
        return (Thread) field(ResponseThread.class, "drainer").get(field(Pipeline.class, "responses").get(pipeline));
    }

    /** The thread holding the pipeline's wire for the start of an iteration ({@link Pipeline#callHeld}), or null. */
    static Thread holder(Pipeline pipeline) throws ReflectiveOperationException {
        return (Thread) field(WireHold.class, "holder").get(field(Pipeline.class, "hold").get(pipeline));
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field;
    }
}
