package io.jcmap.client;

import io.jcmap.protocol.ipc.ConnectAbort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Brings a handle back after its connection was lost (opt-in, {@link ReconnectPolicy}): on a
 * thread of its own it retries with doubling back-off, selects the map again, registers every
 * tracking again and installs the new session. Notifications of changes made while no
 * connection existed are not replayed: corosync keeps no history to replay them from.
 */
final class Reconnector {
    private static final Logger LOG = LoggerFactory.getLogger(Reconnector.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final ConnectedHandle handle;
    private final ReconnectPolicy policy;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicReference<Thread> thread = new AtomicReference<>();
    /**
     * The thread of the round under way until it installs its session: a listener called there
     * must not wait for a new session, which only this thread installs. Not {@link #thread}: that
     * one stays set through onReconnected, and a next round sets {@link #running} before it.
     */
    private volatile Thread roundThread;
    /**
     * The session the round under way selects the map and restores trackings on, until it is
     * installed or closed: its requests may wait for ever (no request timeout) on a corosync
     * that stopped answering, and {@link #stop} breaks it down to end them.
     */
    private volatile ConnectedHandle.Session opening;
    /**
     * Ends a round's connect while it waits for corosync (one paused, whose listen queue takes the
     * connection, waits out the connect timeout): {@link #stop} aborts it, and every later one with it.
     */
    private final ConnectAbort connecting = new ConnectAbort();
    private volatile boolean stopped;

    Reconnector(ConnectedHandle handle, ReconnectPolicy policy) {
        this.handle = handle;
        this.policy = policy;
    }

    /** Starts reconnecting unless already doing so. */
    void connectionLost(CmapException cause) {
        if (stopped || !running.compareAndSet(false, true)) {
            return;
        }
        Thread worker = Thread.ofPlatform().daemon().name("jcmap-reconnect-" + THREADS.incrementAndGet())
                .unstarted(() -> reconnect(cause));
        thread.set(worker);
        worker.start();
    }

    private void reconnect(CmapException cause) {
        roundThread = Thread.currentThread();
        notifyListener(() -> policy.listener().onDisconnected(cause));
        Duration delay = policy.initialBackoff();
        int attempt = 0;
        try {
            while (!stopped && !handle.isClosed()) {
                backOff(delay);
                if (stopped || handle.isClosed()) {
                    return;
                }
                attempt++;
                ConnectedHandle.Session fresh = null;
                try {
                    fresh = handle.openSession(connecting, this::opened);
                    handle.restoreTracks(fresh);
                } catch (CmapException failure) {
                    opening = null;
                    if (fresh != null) {
                        fresh.connection().close();
                    }
                    delay = min(delay.multipliedBy(2), policy.maxBackoff());
                    int failed = attempt;
                    Duration next = delay;
                    LOG.debug("reconnect attempt {} failed: {}", failed, failure.getMessage());
                    notifyListener(() -> policy.listener().onReconnectFailed(failed, failure, next));
                    continue;
                }
                // from here a close meanwhile is install's to see: it closes the session then
                opening = null;
                // a new loss must be able to start another round once this session is in place
                roundThread = null;
                running.set(false);
                handle.install(fresh);
                CmapException lostMeanwhile = fresh.pipeline().brokenReason();
                if (lostMeanwhile != null && handle.isInstalled(fresh)) {
                    // lost before running was cleared (a request the restore sent found it): that
                    // loss started no round, and nothing else would replace the broken session
                    connectionLost(lostMeanwhile);
                }
                int attempts = attempt;
                LOG.info("reconnected to corosync after {} attempt(s)", attempts);
                notifyListener(() -> policy.listener().onReconnected(attempts));
                return;
            }
        } finally {
            // a loss noticed by the listener's own calls may have started the next round's thread
            // already: that one stays registered, so that stop() can still wake it
            thread.compareAndSet(Thread.currentThread(), null);
            if (roundThread == Thread.currentThread()) {
                roundThread = null; // stopped: no session installed
            }
        }
    }

    /** Keeps {@code fresh} for {@link #stop}, or breaks it down if stop() came first. */
    private void opened(ConnectedHandle.Session fresh) {
        opening = fresh;
        if (stopped) {
            // stop() may have looked before it was set: both look after writing, so one of them sees it
            fresh.pipeline().breakDown(closed());
        }
    }

    /** What the round's requests fail with once the handle closed: what a closed handle's calls get. */
    private static CmapException closed() {
        return new CmapException(CsError.BAD_HANDLE, "handle closed");
    }

    /**
     * Whether the calling thread runs a round that has not yet installed its session (a
     * listener's onDisconnected or onReconnectFailed): a wait there for the new session would
     * wait for itself.
     */
    boolean isReconnectingThread() {
        return roundThread == Thread.currentThread();
    }

    /** Waits {@code delay} (parkNanos may return early: it is repeated) unless stopped first. */
    private void backOff(Duration delay) {
        // the thread is ours: a status left by a listener would make each park return at once (a spin)
        Thread.interrupted();
        long deadline = System.nanoTime() + delay.toNanos();
        long remaining;
        while (!stopped && !handle.isClosed() && (remaining = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(this, remaining);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Calls the listener unless the handle has closed meanwhile (nobody expects news of it then). */
    private void notifyListener(Runnable call) {
        if (stopped || handle.isClosed()) {
            return;
        }
        try {
            call.run();
        } catch (RuntimeException | Error e) {
            // an Error too (an application's assert, a runaway recursion): it would end this thread
            // with the round marked running, and the handle would never reconnect; only a JVM out of
            // memory or broken is beyond going on
            if (e instanceof VirtualMachineError && !(e instanceof StackOverflowError)) {
                throw e;
            }
            LOG.warn("reconnect listener failed", e);
        }
    }

    /** Ends reconnecting for good (the handle closes). */
    void stop() {
        stopped = true;
        Thread worker = thread.get();
        if (worker != null) {
            LockSupport.unpark(worker);
        }
        connecting.abort();
        ConnectedHandle.Session fresh = opening;
        if (fresh != null) {
            // the round may wait for an answer on it for ever: its request fails, and it closes the session
            fresh.pipeline().breakDown(closed());
        }
    }
}
