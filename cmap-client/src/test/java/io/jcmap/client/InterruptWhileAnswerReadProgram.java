package io.jcmap.client;

import io.jcmap.protocol.cmap.ResponseHeaderDescriptor;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The program {@link InterruptWhileAnswerReadTest} runs under its debugger: a caller waiting
 * while another thread reads (with no request timeout, the default), interrupted while that
 * thread delivers its answer, between its look at whether the caller still waits and its use of
 * the request's decoder. The reading thread ("reader") reads the waiting caller's answer on the
 * way to one of its own: a request made while it reads its first answer (here by that answer's
 * decoder; a completion action's synchronous call, or the response thread, read so too). Exits 0
 * when the waiting caller ends with INTERRUPT and the reader gets its answers; 1 when the reader
 * fails; 2 when the debugger never held it.
 */
final class InterruptWhileAnswerReadProgram {
    private static final int LENGTH = ResponseHeaderDescriptor.LENGTH;

    private InterruptWhileAnswerReadProgram() {
    }

    public static void main(String[] args) throws Exception {
        SlowServer server = new SlowServer();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        AtomicReference<Object> read = new AtomicReference<>();
        Thread reader = Thread.ofPlatform().daemon().name("reader").start(() -> {
            DebuggedChildJvm.watchThisThread(); // the debugger watches its deliveries from here on
            try {
                read.set(pipeline.call("get", "x", ScriptedConnection.RESPONSE_ID, LENGTH, buffer -> LENGTH,
                        (response, length) -> "x+" + get(pipeline, "c")));
            } catch (RuntimeException e) {
                read.set(e);
            }
        });
        DebuggedChildJvm.awaitOrExit(() -> server.sent.get() == 1 && reader.getState() == Thread.State.TIMED_WAITING,
                "the reader reading");
        AtomicReference<Object> waited = new AtomicReference<>();
        Thread waiting = Thread.ofPlatform().daemon().name("waiting").start(() -> {
            try {
                waited.set(get(pipeline, "b"));
            } catch (CmapException e) {
                waited.set(e);
            }
        });
        DebuggedChildJvm.awaitOrExit(() -> server.sent.get() == 2 && waiting.getState() == Thread.State.TIMED_WAITING,
                "the caller waiting");
        server.allowed.set(Integer.MAX_VALUE);
        DebuggedChildJvm.awaitOrExit(() -> DebuggedChildJvm.held, "the debugger holds the reader in the delivery of b");
        waiting.interrupt();
        waiting.join(5_000);
        DebuggedChildJvm.releaseHeld();
        reader.join(10_000);
        System.out.println("the interrupted caller: " + waited.get());
        System.out.println("the reader: " + read.get());
        if (read.get() instanceof Throwable failure) {
            failure.printStackTrace(System.out);
            System.out.println("RESULT: the reader failed with " + failure);
            System.exit(1);
        }
        boolean ok = "x+c".equals(read.get()) && waited.get() instanceof CmapException e
                && e.error() == CsError.INTERRUPT;
        System.out.println("RESULT: " + (ok ? "ok" : "unexpected"));
        System.exit(ok ? 0 : 1);
    }

    private static Object get(Pipeline pipeline, String key) {
        return pipeline.call("get", key, ScriptedConnection.RESPONSE_ID, LENGTH, buffer -> LENGTH,
                (response, length) -> key);
    }
}
