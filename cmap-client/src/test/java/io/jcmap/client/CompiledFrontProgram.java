package io.jcmap.client;

import java.lang.ref.WeakReference;
import java.util.EnumSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The program {@link CompiledFrontKeepsItsHandleTest} runs in a JVM that compiles the
 * application's handle with C2 at its first call: a compiled method may let go of {@code this}
 * once it has read its fields, and the interpreter of a unit test never does. A thread inside a
 * call (a blocking dispatch; a set waiting for its answer) holds the only reference to its
 * handle. Exits 0 when each handle outlived a collection that closed a dropped one, 1 if the
 * cleaner closed it under the call.
 */
final class CompiledFrontProgram {
    private static final String KEY = "test.compiled";
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(20);

    private CompiledFrontProgram() {
    }

    public static void main(String[] args) throws Exception {
        boolean kept = keptWhileInside(Call.DISPATCH, null)
                & keptWhileInside(Call.SET, server -> server.withholdSets = true);
        System.exit(kept ? 0 : 1);
    }

    /** The calls a thread is inside. */
    private enum Call {
        DISPATCH("a blocking dispatch"),
        SET("a set waiting for its answer");

        final String description;

        Call(String description) {
            this.description = description;
        }

        /**
         * Makes the call on the handle {@code handOver} holds, taken off it as the call is made:
         * in no local variable, whose slot an interpreted frame would keep.
         */
        void make(AtomicReference<CmapHandle> handOver) {
            switch (this) {
                case DISPATCH -> handOver.getAndSet(null).dispatch(DispatchType.BLOCKING);
                case SET -> handOver.getAndSet(null).set(KEY, CmapValue.uint32(1));
            }
        }
    }

    /** Whether a thread inside {@code call} keeps its handle through the close of a dropped one. */
    private static boolean keptWhileInside(Call call, Consumer<ScriptedCmapServer> script) throws Exception {
        ScriptedCmapServer server = new ScriptedCmapServer(0x1000);
        if (script != null) {
            script.accept(server);
        }
        CompletableFuture<Object> ended = new CompletableFuture<>();
        WeakReference<CmapHandle> reference = startInside(server, call, ended);
        awaitClosedAfterCollections(new ScriptedCmapServer(0x9000));
        boolean kept = reference.get() != null && !server.isClosed();
        System.out.println(call.description + ": " + (kept ? "kept" : "closed under the call (" + ended.getNow("still inside")
                + ")"));
        CmapHandle handle = reference.get();
        if (handle != null) {
            handle.close();
        }
        return kept;
    }

    private static WeakReference<CmapHandle> startInside(ScriptedCmapServer server, Call call,
                                                         CompletableFuture<Object> ended) {
        CmapHandle handle = Cmap.open(CmapMap.ICMAP, CmapOptions.builder().build(), false, any -> server);
        AtomicReference<CmapHandle> handOver = new AtomicReference<>(handle);
        Thread.ofPlatform().daemon().name("inside").start(() -> {
            try {
                call.make(handOver); // only the frames of the call hold it now
                ended.complete("returned");
            } catch (RuntimeException e) {
                ended.complete(e.toString());
            }
        });
        awaitOrExit(() -> handOver.get() == null, "the thread took the handle");
        // inside the call: a dispatch waits at once; a set once corosync took it
        awaitOrExit(() -> server.requestsTaken() > 0 || Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("inside") && t.getState() != Thread.State.RUNNABLE), "inside");
        return new WeakReference<>(handle);
    }

    /** Drops a handle of {@code control} and collects until the cleaner has closed it. */
    private static void awaitClosedAfterCollections(ScriptedCmapServer control) {
        WeakReference<CmapHandle> dropped = new WeakReference<>(
                Cmap.open(CmapMap.ICMAP, CmapOptions.builder().build(), false, any -> control));
        awaitOrExit(() -> {
            System.gc();
            return dropped.get() == null && control.isClosed();
        }, "a dropped handle closed by the cleaner");
    }

    private static void awaitOrExit(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                System.out.println("timed out waiting until " + what);
                System.exit(2);
            }
            Thread.onSpinWait();
        }
    }
}
