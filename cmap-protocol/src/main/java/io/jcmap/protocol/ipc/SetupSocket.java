package io.jcmap.protocol.ipc;

import io.jcmap.protocol.ErrnoException;
import io.jcmap.protocol.os.Credentials;
import io.jcmap.protocol.os.Errno;
import io.jcmap.protocol.os.UnixSocket;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The stream socket every libqb connection starts with. It carries the authenticate
 * handshake, stays open for the life of the connection (its hang-up is how either side learns
 * that the other is gone) and, with shared memory, one byte per request and per event.
 */
public final class SetupSocket implements AutoCloseable {

    /** Zero bytes, as many notifications as one send may carry; their value means nothing. */
    private static final MemorySegment NOTIFICATION_BYTES = Arena.global().allocate(256, 8);

    private final UnixSocket socket;
    private final ConnectionResponse response;
    private final Object notifyLock = new Object();
    /** Written under {@link #notifyLock}; read without it to keep the common case lock-free. */
    private volatile long owedNotifications;

    private SetupSocket(UnixSocket socket, ConnectionResponse response) {
        this.socket = socket;
        this.response = response;
    }

    /**
     * Connects to the server, authenticates and checks who answered.
     *
     * @throws ErrnoException ECONNREFUSED or ENOENT when nothing listens, ETIMEDOUT when the
     *     server does not answer in time, EACCES for a server of a uid we do not trust, the
     *     server's own errno when it refuses us, EBADMSG for a malformed answer
     */
    public static SetupSocket connect(IpcOptions options) {
        return start(options).finish();
    }

    /**
     * Connects and sends the authenticate request: the first half of {@link #connect}. The
     * server prepares the connection before it answers, time in which the caller may do work of
     * its own before it calls {@link Handshake#finish}.
     *
     * @throws ErrnoException as {@link #connect}
     */
    public static Handshake start(IpcOptions options) {
        return start(options, new ConnectAbort());
    }

    /**
     * As {@link #start(IpcOptions)}; until the answer is in, {@code abort} ends the handshake.
     *
     * @throws ErrnoException as {@link #connect}, or ECANCELED once {@code abort} was aborted
     */
    public static Handshake start(IpcOptions options, ConnectAbort abort) {
        long deadline = System.nanoTime() + options.connectTimeout().toNanos();
        UnixSocket socket = UnixSocket.stream();
        try {
            abort.watch(socket);
            socket.connect(options.endpoint(), deadline);
            // With SO_PASSCRED on our side the kernel attaches our credentials to what we send
            // and hands us the server's with its answer.
            socket.passCredentials(true);
            sendAuthenticate(socket, options.maxMessageSize(), deadline);
            return new Handshake(socket, options, deadline, abort);
        } catch (RuntimeException e) {
            throw failed(socket, abort, e);
        }
    }

    /** Closes the socket of a handshake that failed; an aborted one fails with ECANCELED. */
    private static RuntimeException failed(UnixSocket socket, ConnectAbort abort, RuntimeException failure) {
        boolean aborted = abort.release(socket);
        socket.close();
        // the shutdown that aborted it shows as a hang-up or a broken pipe: say what it was
        return aborted && !(failure instanceof ErrnoException e && e.errno() == Errno.ECANCELED)
                ? ConnectAbort.abandoned(failure) : failure;
    }

    /** A setup socket whose authenticate request is sent and whose answer is still to come. */
    public static final class Handshake {
        private final UnixSocket socket;
        private final IpcOptions options;
        private final long deadline;
        private final ConnectAbort abort;

        private Handshake(UnixSocket socket, IpcOptions options, long deadline, ConnectAbort abort) {
            this.socket = socket;
            this.options = options;
            this.deadline = deadline;
            this.abort = abort;
        }

        /**
         * Waits for the server's answer and checks who answered; on a failure the socket is closed.
         *
         * @throws ErrnoException as {@link #connect}
         */
        public SetupSocket finish() {
            try {
                ConnectionResponse response = receiveResponse(socket, deadline, options);
                socket.passCredentials(false);
                checkTrusted(response.server(), options);
                if (abort.release(socket)) {
                    throw ConnectAbort.abandoned(null); // shut down as the answer came: unusable
                }
                return new SetupSocket(socket, response);
            } catch (RuntimeException e) {
                throw failed(socket, abort, e);
            }
        }

        /** Gives up before {@link #finish}: closes the socket. */
        public void abandon() {
            abort.release(socket);
            socket.close();
        }
    }

    private static void sendAuthenticate(UnixSocket socket, int maxMessageSize, long deadline) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment request = arena.allocate(ConnectionRequestDescriptor.LENGTH, 8);
            request.set(JAVA_INT, ConnectionRequestDescriptor.ID_OFFSET, ConnectionRequestDescriptor.AUTHENTICATE);
            request.set(JAVA_INT, ConnectionRequestDescriptor.SIZE_OFFSET, ConnectionRequestDescriptor.LENGTH);
            request.set(JAVA_INT, ConnectionRequestDescriptor.MAX_MESSAGE_SIZE_OFFSET, maxMessageSize);
            long sent = 0;
            while (sent < ConnectionRequestDescriptor.LENGTH) {
                long n = socket.send(request.asSlice(sent), ConnectionRequestDescriptor.LENGTH - sent);
                if (n == UnixSocket.WOULD_BLOCK) {
                    awaitReady(socket, UnixSocket.WRITABLE, deadline, "sending the handshake");
                } else {
                    sent += n;
                }
            }
        }
    }

    private static ConnectionResponse receiveResponse(UnixSocket socket, long deadline, IpcOptions options) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(ConnectionResponseDescriptor.LENGTH, 8);
            Credentials credentials = null;
            long received = 0;
            while (received < ConnectionResponseDescriptor.LENGTH) {
                UnixSocket.Received part = socket.receiveWithCredentials(buffer.asSlice(received),
                        ConnectionResponseDescriptor.LENGTH - received);
                if (part == null) {
                    awaitReady(socket, UnixSocket.READABLE, deadline, "waiting for the handshake answer");
                    continue;
                }
                if (part.bytes() == 0) {
                    throw new ErrnoException(Errno.ENOTCONN, "server closed the setup socket after "
                            + received + " of " + ConnectionResponseDescriptor.LENGTH + " handshake bytes");
                }
                if (credentials == null) {
                    credentials = part.credentials();
                }
                received += part.bytes();
            }
            if (credentials == null) {
                credentials = socket.peerCredentials();
            }
            return ConnectionResponses.decode(buffer, credentials, options.maxMessageSize());
        }
    }

    private static void awaitReady(UnixSocket socket, short events, long deadline, String what) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            throw new ErrnoException(Errno.ETIMEDOUT, "timed out " + what);
        }
        int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
        int revents = socket.poll(events, millis);
        if ((revents & events) == 0 && (revents & UnixSocket.BROKEN) != 0) {
            throw new ErrnoException(Errno.ENOTCONN, "server hung up while " + what);
        }
    }

    private static void checkTrusted(Credentials server, IpcOptions options) {
        if (!options.allowedServerUids().isEmpty() && !options.allowedServerUids().contains(server.uid())) {
            throw new ErrnoException(Errno.EACCES, "server pid " + server.pid() + " runs as uid " + server.uid()
                    + ", allowed are " + options.allowedServerUids());
        }
    }

    public ConnectionResponse response() {
        return response;
    }

    public UnixSocket socket() {
        return socket;
    }

    /**
     * Tells the server that one more request waits in the request ring (libqb reads one byte
     * per request). Never blocks: when the socket buffer is full, as with a stopped server, the
     * byte is owed and goes out with a later notification or {@link #flushNotifications()}, so
     * the server still sees one byte per request, in order, once it reads again.
     */
    public void notifyRequest() {
        synchronized (notifyLock) {
            owedNotifications++;
            sendOwedLocked();
        }
    }

    /**
     * Counts one more request in the ring without telling the server yet: the next
     * {@link #notifyRequest} or {@link #flushNotifications} sends its byte with the others.
     */
    public void oweNotification() {
        synchronized (notifyLock) {
            owedNotifications++;
        }
    }

    /** Sends the notifications owed (held back, or refused by a full socket buffer); cheap when none are. */
    public void flushNotifications() {
        if (owedNotifications == 0) {
            return;
        }
        synchronized (notifyLock) {
            sendOwedLocked();
        }
    }

    /** Notifications not yet sent because the socket buffer was full. */
    public long owedNotifications() {
        return owedNotifications;
    }

    private void sendOwedLocked() {
        while (owedNotifications > 0) {
            long sent = socket.send(NOTIFICATION_BYTES, Math.min(owedNotifications, NOTIFICATION_BYTES.byteSize()));
            if (sent == UnixSocket.WOULD_BLOCK) {
                return;
            }
            owedNotifications -= sent;
        }
    }

    /**
     * Whether the server hung up, looked at without waiting. Data waiting to be read is not a
     * hang-up; the end of the stream is.
     */
    public boolean isHungUp() {
        int revents = socket.poll(UnixSocket.READABLE, 0);
        if ((revents & UnixSocket.BROKEN) != 0) {
            return true;
        }
        if ((revents & UnixSocket.READABLE) != 0 && response.type() == TransportType.SOCKET) {
            // nothing but the end of the stream ever arrives here with the socket transport
            return socket.discard(1) == 0;
        }
        return false;
    }

    /**
     * Tells the server we are leaving (it reads the end of our stream and lets go of the
     * connection) while we can still read its hang-up: see {@link #awaitHangUp}.
     */
    public void shutdownOutput() {
        socket.shutdownOutput();
    }

    /**
     * Waits up to {@code timeoutNanos} for the server to hang up. For the socket transport only,
     * where nothing but the end of the stream ever arrives here.
     *
     * @return whether it did
     */
    public boolean awaitHangUp(long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        while (!isHungUp()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            socket.poll(UnixSocket.READABLE, (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
        return true;
    }

    /** Wakes up every thread polling the socket and tells the server we are leaving. */
    public void shutdown() {
        socket.shutdown();
    }

    @Override
    public void close() {
        socket.close();
    }

    /** Decoding of the connection response, kept apart so tests can feed it bytes. */
    static final class ConnectionResponses {
        private ConnectionResponses() {
        }

        static ConnectionResponse decode(MemorySegment buffer, Credentials server, int requested) {
            int id = buffer.get(JAVA_INT, ConnectionResponseDescriptor.ID_OFFSET);
            int size = buffer.get(JAVA_INT, ConnectionResponseDescriptor.SIZE_OFFSET);
            int error = buffer.get(JAVA_INT, ConnectionResponseDescriptor.ERROR_OFFSET);
            if (error != 0) {
                // a refusal is a negative errno; anything else in that field is garbage
                int errno = error < 0 && error >= -Errno.MAX_ERRNO ? -error : Errno.EBADMSG;
                throw new ErrnoException(errno, "server refused the connection: " + Errno.describe(errno)
                        + " (errno " + errno + ")");
            }
            if (id != ConnectionRequestDescriptor.AUTHENTICATE || size != ConnectionResponseDescriptor.LENGTH) {
                throw malformed("id " + id + ", size " + size);
            }
            int type = buffer.get(JAVA_INT, ConnectionResponseDescriptor.CONNECTION_TYPE_OFFSET);
            int maxMessageSize = buffer.get(JAVA_INT, ConnectionResponseDescriptor.MAX_MESSAGE_SIZE_OFFSET);
            if (maxMessageSize < requested || maxMessageSize > IpcOptions.MAX_MAX_MESSAGE_SIZE) {
                throw malformed("max message size " + Integer.toUnsignedString(maxMessageSize)
                        + " (asked for " + requested + ")");
            }
            TransportType transport = switch (type) {
                case ConnectionResponseDescriptor.TYPE_SHM -> TransportType.SHM;
                case ConnectionResponseDescriptor.TYPE_SOCKET -> TransportType.SOCKET;
                default -> throw new ErrnoException(Errno.EBADMSG,
                        "server chose an IPC type this client does not speak: " + type);
            };
            return new ConnectionResponse(transport, maxMessageSize,
                    name(buffer, ConnectionResponseDescriptor.REQUEST_NAME_OFFSET),
                    name(buffer, ConnectionResponseDescriptor.RESPONSE_NAME_OFFSET),
                    name(buffer, ConnectionResponseDescriptor.EVENT_NAME_OFFSET), server);
        }

        private static String name(MemorySegment buffer, int offset) {
            MemorySegment field = buffer.asSlice(offset, ConnectionResponseDescriptor.PATH_MAX);
            for (int i = 0; i < ConnectionResponseDescriptor.PATH_MAX; i++) {
                if (field.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i) == 0) {
                    return new String(field.asSlice(0, i).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                            StandardCharsets.UTF_8);
                }
            }
            throw malformed("a channel name without its terminating NUL");
        }

        private static ErrnoException malformed(String what) {
            return new ErrnoException(Errno.EBADMSG, "malformed connection response: " + what);
        }
    }
}
