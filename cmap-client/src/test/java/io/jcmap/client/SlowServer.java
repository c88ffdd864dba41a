package io.jcmap.client;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;

/** A scripted server that answers only as many requests as the test allows ({@link #allowed}). */
final class SlowServer extends ScriptedConnection {
    final AtomicInteger sent = new AtomicInteger();
    final AtomicInteger answered = new AtomicInteger();
    final AtomicInteger allowed = new AtomicInteger();
    final AtomicInteger maxUnanswered = new AtomicInteger();
    private final boolean connectsOnFirstResponse;
    /** What the last {@link #leave} was told. */
    volatile long leaveGraceNanos;
    volatile boolean leftExpectingEvents;

    /** A server with nothing to connect (as SHM's). */
    SlowServer() {
        this(false);
    }

    /** @param connectsOnFirstResponse whether it behaves as libqb's socket server */
    SlowServer(boolean connectsOnFirstResponse) {
        this.connectsOnFirstResponse = connectsOnFirstResponse;
    }

    @Override
    public boolean send(MemorySegment message, int length) {
        int unanswered = sent.incrementAndGet() - answered.get();
        maxUnanswered.accumulateAndGet(unanswered, Math::max);
        return true;
    }

    @Override
    public int receiveResponse(long timeoutNanos) {
        return awaitAnswer(timeoutNanos, () -> {
            int done = answered.get();
            return done < sent.get() && done < allowed.get() && answered.compareAndSet(done, done + 1);
        });
    }

    @Override
    public boolean serverConnectsOnFirstResponse() {
        return connectsOnFirstResponse;
    }

    @Override
    public void leave(long graceNanos, boolean eventsExpected) {
        leaveGraceNanos = graceNanos;
        leftExpectingEvents = eventsExpected;
        close();
    }
}
