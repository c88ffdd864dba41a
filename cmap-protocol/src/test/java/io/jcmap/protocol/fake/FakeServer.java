package io.jcmap.protocol.fake;

import io.jcmap.protocol.ErrnoException;
import io.jcmap.protocol.ipc.IpcOptions;
import io.jcmap.protocol.os.CurrentProcess;
import io.jcmap.protocol.os.UnixAddress;
import io.jcmap.protocol.os.UnixSocket;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A libqb server impostor on a real Unix stream socket, bound to an abstract name of its own
 * (never {@code cmap}, so it cannot disturb a corosync in the same network namespace). It
 * accepts connections on a thread of its own, reads each client's authenticate request and then
 * runs a {@link Script} that answers as scripted: well, badly, or not at all.
 *
 * <p>After the script returns, the connection stays open until the client leaves or the server
 * closes, so that "no answer" really means silence, not a hang-up.
 */
public final class FakeServer implements AutoCloseable {
    /** Small enough to keep ring files tiny, large enough for libqb's 12328-byte answer. */
    public static final int MAX_MESSAGE_SIZE = 16384;
    private static final int POLL_MILLIS = 20;

    /** What the server does with one accepted, authenticated connection. */
    @FunctionalInterface
    public interface Script {
        void run(FakeSession session) throws Exception;
    }

    private final String name;
    private final UnixSocket listener;
    private final Script script;
    private final List<FakeSession> sessions = new CopyOnWriteArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean closing;

    private FakeServer(String name, UnixSocket listener, Script script) {
        this.name = name;
        this.listener = listener;
        this.script = script;
        this.thread = Thread.ofPlatform().daemon().name("fake-libqb-" + name).unstarted(this::acceptLoop);
    }

    /** Listens on a fresh random abstract name and serves every connection with {@code script}. */
    public static FakeServer start(Script script) {
        return start("jcmap-fake-" + UUID.randomUUID(), script);
    }

    /** Listens on abstract name {@code name}, which must be free. */
    public static FakeServer start(String name, Script script) {
        UnixSocket listener = UnixSocket.stream();
        try {
            listener.bind(UnixAddress.abstractName(name));
            listener.listen(8);
        } catch (RuntimeException e) {
            listener.close();
            throw e;
        }
        FakeServer server = new FakeServer(name, listener, script);
        server.thread.start();
        return server;
    }

    /** The abstract name (without the leading NUL). */
    public String name() {
        return name;
    }

    public UnixAddress address() {
        return UnixAddress.abstractName(name);
    }

    /** Client options for this server: small messages, short timeouts, root or our uid trusted. */
    public IpcOptions options() {
        return options(Duration.ofSeconds(2), rootOrSelf());
    }

    /** Root and our own uid (one element when we are root). */
    public static Set<Integer> rootOrSelf() {
        return Set.copyOf(List.of(0, CurrentProcess.uid()));
    }

    /** Like {@link #options()} with another connect timeout and set of trusted uids (empty: any). */
    public IpcOptions options(Duration connectTimeout, Set<Integer> allowedUids) {
        return new IpcOptions(address(), MAX_MESSAGE_SIZE, connectTimeout, allowedUids, ShmTempDirectory.SHM,
                Duration.ofMillis(20));
    }

    /** The first thing the script threw, if anything; a test can check its fake did its part. */
    public Throwable failure() {
        return failure.get();
    }

    /** Sessions accepted so far. */
    public List<FakeSession> sessions() {
        return List.copyOf(sessions);
    }

    private void acceptLoop() {
        while (!closing) {
            try {
                if ((listener.poll(UnixSocket.READABLE, POLL_MILLIS) & UnixSocket.READABLE) == 0) {
                    continue;
                }
                UnixSocket accepted = listener.accept();
                if (accepted != null) {
                    serve(new FakeSession(accepted, () -> closing));
                }
            } catch (RuntimeException e) {
                if (!closing) {
                    failure.compareAndSet(null, e);
                }
                return;
            }
        }
    }

    /** One connection at a time is all these tests need; each gets its own thread anyway. */
    private void serve(FakeSession session) {
        sessions.add(session);
        Thread.ofPlatform().daemon().name("fake-libqb-session").start(() -> {
            try {
                session.readAuthenticate();
                script.run(session);
                session.holdOpen();
            } catch (ErrnoException | FakeSession.Gone e) {
                // the client left or we were closed: a normal end for a fake
            } catch (Throwable e) {
                if (!closing) {
                    failure.compareAndSet(null, e);
                }
            } finally {
                session.close();
            }
        });
    }

    @Override
    public void close() {
        closing = true;
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        listener.close();
        sessions.forEach(FakeSession::awaitClosed);
    }
}
