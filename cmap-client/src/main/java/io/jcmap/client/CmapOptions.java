package io.jcmap.client;

import io.jcmap.protocol.cmap.CmapMessageSize;
import io.jcmap.protocol.ipc.IpcOptions;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Immutable connection settings for a CMAP handle. {@link #defaults()} behaves like libcmap
 * but for the message size, half of libcmap's, which halves what corosync creates and zeroes
 * at every SHM connect and still carries every CMAP message ({@code docs/decisions/0037});
 * {@link #builder()} changes single settings.
 *
 * <table>
 * <caption>Settings and defaults</caption>
 * <tr><th>setting</th><th>default</th></tr>
 * <tr><td>{@link #endpoint()}</td><td>the {@code "cmap"} service, found as libcmap finds it
 *     ({@link Endpoint#defaultEndpoint()}): its abstract socket, or its socket file where libqb
 *     is configured for filesystem sockets</td></tr>
 * <tr><td>{@link #requestTimeout()}</td><td>none: wait for replies as long as the server lives,
 *     like libcmap's {@code CS_IPC_TIMEOUT_MS} of -1</td></tr>
 * <tr><td>{@link #connectTimeout()}</td><td>5 s</td></tr>
 * <tr><td>{@link #serverUidPolicy()}</td><td>root or the client's own uid</td></tr>
 * <tr><td>{@link #maxMessageSize()}</td><td>512 KiB, half of libcmap's {@code IPC_REQUEST_SIZE}</td></tr>
 * <tr><td>{@link #reconnect()}</td><td>off</td></tr>
 * </table>
 */
public final class CmapOptions {
    /** Default {@link #connectTimeout()}. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /**
     * The longest timeout or reconnect backoff accepted: 2<sup>63</sup>-1 nanoseconds, about 292
     * years. Waits are counted in nanoseconds, and a longer one could not be; for requests that
     * wait without limit, see {@link Builder#noRequestTimeout()}.
     */
    public static final Duration LONGEST_WAIT = Duration.ofNanos(Long.MAX_VALUE);
    /**
     * Default {@link #maxMessageSize()}: 512 KiB, half of libcmap's {@code IPC_REQUEST_SIZE}
     * ({@link #LIBCMAP_MAX_MESSAGE_SIZE}). Every CMAP message fits it many times over (the
     * longest, a notification, is 33,106 bytes), and corosync has half the rings to create and
     * zero at each SHM connect ({@code docs/decisions/0037}).
     */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 512 * 1024;
    /**
     * libcmap's message size, its {@code IPC_REQUEST_SIZE} of 1 MiB: a handle asking for it has
     * corosync's rings exactly as large as libcmap's.
     */
    public static final int LIBCMAP_MAX_MESSAGE_SIZE = CmapMessageSize.LIBCMAP_MAX_REQUEST_LENGTH;
    /**
     * The smallest {@link #maxMessageSize()}: 12,328 bytes, libqb's answer to a connect (its
     * {@code struct qb_ipc_connection_response}), which must fit a message.
     */
    public static final int MIN_MAX_MESSAGE_SIZE = IpcOptions.MIN_MAX_MESSAGE_SIZE;
    /**
     * The smallest {@link #maxMessageSize()} of a handle that tracks keys: 33,106 bytes, the
     * longest notification (a key's new and old values of 16,385 bytes each, a string of 16 KiB
     * with the NUL corosync stores, and the message's fixed part). corosync sends a longer
     * notification when it can at once, but when one must wait for room, libqb refuses it on
     * every retry (EMSGSIZE) and corosync then holds back all later notifications of the
     * connection for good; so {@link CmapHandle#trackAdd} refuses smaller sizes with
     * {@link CsError#TOO_BIG}.
     */
    public static final int MIN_TRACKING_MESSAGE_SIZE = Math.toIntExact(CmapMessageSize.LONGEST_NOTIFICATION_LENGTH);
    /**
     * The largest {@link #maxMessageSize()}: 64 MiB. corosync grants any size it is asked for,
     * and for each connection creates three rings of it (zeroing them on the SHM transport) and a
     * receive buffer; this client would not accept a connection whose messages it would have to
     * allocate more for.
     */
    public static final int MAX_MAX_MESSAGE_SIZE = IpcOptions.MAX_MAX_MESSAGE_SIZE;

    private static final CmapOptions DEFAULTS = new Builder().build();

    private final Endpoint endpoint;
    private final Duration requestTimeout;
    private final Duration connectTimeout;
    private final ServerUidPolicy serverUidPolicy;
    private final int maxMessageSize;
    private final ReconnectPolicy reconnect;

    private CmapOptions(Builder builder) {
        endpoint = builder.endpoint;
        requestTimeout = builder.requestTimeout;
        connectTimeout = builder.connectTimeout;
        serverUidPolicy = builder.serverUidPolicy;
        maxMessageSize = builder.maxMessageSize;
        reconnect = builder.reconnect;
    }

    /** {@return the default settings (see the class comment)} */
    public static CmapOptions defaults() {
        return DEFAULTS;
    }

    /** {@return a builder starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a builder starting from these settings} */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** {@return where to connect} */
    public Endpoint endpoint() {
        return endpoint;
    }

    /**
     * {@return how long one request may wait for its reply; empty means no limit} Without a
     * limit the wait still ends when the server dies or the connection breaks.
     */
    public Optional<Duration> requestTimeout() {
        return Optional.ofNullable(requestTimeout);
    }

    /** {@return how long connecting (setup socket and handshake) may take} */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** {@return which server uids are accepted} */
    public ServerUidPolicy serverUidPolicy() {
        return serverUidPolicy;
    }

    /** {@return the largest request, reply or notification in bytes, proposed to the server when connecting} */
    public int maxMessageSize() {
        return maxMessageSize;
    }

    /** {@return how to reconnect after losing the server; empty means a lost connection stays lost} */
    public Optional<ReconnectPolicy> reconnect() {
        return Optional.ofNullable(reconnect);
    }

    /** True for options with equal settings. */
    @Override
    public boolean equals(Object other) {
        return other instanceof CmapOptions that
                && endpoint.equals(that.endpoint)
                && Objects.equals(requestTimeout, that.requestTimeout)
                && connectTimeout.equals(that.connectTimeout)
                && serverUidPolicy.equals(that.serverUidPolicy)
                && maxMessageSize == that.maxMessageSize
                && Objects.equals(reconnect, that.reconnect);
    }

    /** A hash of the settings. */
    @Override
    public int hashCode() {
        return Objects.hash(endpoint, requestTimeout, connectTimeout, serverUidPolicy, maxMessageSize, reconnect);
    }

    /** The settings, for logs. */
    @Override
    public String toString() {
        return "CmapOptions[endpoint=" + endpoint
                + ", requestTimeout=" + (requestTimeout == null ? "none" : requestTimeout)
                + ", connectTimeout=" + connectTimeout
                + ", serverUidPolicy=" + serverUidPolicy
                + ", maxMessageSize=" + maxMessageSize
                + ", reconnect=" + (reconnect == null ? "off" : reconnect) + "]";
    }

    /**
     * Builds {@link CmapOptions}. Every setter rejects null and out-of-range arguments with a
     * {@link CmapException} of {@link CsError#INVALID_PARAM} at once, not at {@link #build()}.
     */
    public static final class Builder {
        private Endpoint endpoint = Endpoint.defaultEndpoint();
        private Duration requestTimeout;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private ServerUidPolicy serverUidPolicy = ServerUidPolicy.rootOrSelf();
        private int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
        private ReconnectPolicy reconnect;

        private Builder() {
        }

        private Builder(CmapOptions options) {
            endpoint = options.endpoint;
            requestTimeout = options.requestTimeout;
            connectTimeout = options.connectTimeout;
            serverUidPolicy = options.serverUidPolicy;
            maxMessageSize = options.maxMessageSize;
            reconnect = options.reconnect;
        }

        /**
         * Sets where to connect.
         *
         * @param value the endpoint; not null
         * @return this builder
         */
        public Builder endpoint(Endpoint value) {
            endpoint = nonNull("endpoint", value);
            return this;
        }

        /**
         * Limits how long one request waits for its reply; when it passes, the request fails
         * with {@link CsError#TIMEOUT}. A request that had reached corosync may still be carried
         * out (a timed-out {@code inc} may have incremented the key): a TIMEOUT means the outcome
         * is unknown, so read before retrying a request that is not idempotent.
         *
         * @param value a positive duration, at most {@link #LONGEST_WAIT}
         * @return this builder
         */
        public Builder requestTimeout(Duration value) {
            requestTimeout = positive("request timeout", value);
            return this;
        }

        /**
         * Lets requests wait for replies without limit, as libcmap does (the default).
         *
         * @return this builder
         */
        public Builder noRequestTimeout() {
            requestTimeout = null;
            return this;
        }

        /**
         * Limits how long connecting may take.
         *
         * @param value a positive duration, at most {@link #LONGEST_WAIT}
         * @return this builder
         */
        public Builder connectTimeout(Duration value) {
            connectTimeout = positive("connect timeout", value);
            return this;
        }

        /**
         * Sets which server uids are accepted.
         *
         * @param value the policy; not null
         * @return this builder
         */
        public Builder serverUidPolicy(ServerUidPolicy value) {
            serverUidPolicy = nonNull("server uid policy", value);
            return this;
        }

        /**
         * Sets the largest message size proposed to the server. corosync sizes all three of the
         * connection's rings (request, reply, notification) by it, and on the SHM transport it
         * creates and zeroes them at every connect: that is nearly all of a connect's cost, about
         * 11 ms at libcmap's 1 MiB, half that at the default of 512 KiB and a fifth at 64 KiB on a
         * 2-vCPU machine ({@code docs/decisions/0016}, {@code 0037}). A smaller size makes connects
         * cheaper, but every message must fit: a request or reply that does not fails with
         * {@link CsError#TOO_BIG}, but for a SET on the default map of a value longer than corosync
         * accepts (16 KiB) that libcmap's 1 MiB would carry, which fails with
         * {@link CsError#INVALID_PARAM}, corosync's answer to libcmap (for a read-only key corosync
         * answers libcmap with ACCESS instead). A notification carries a tracked key's new and old
         * values together (up to 16 KiB each, and a NUL more for a string), and one over the limit
         * that has to wait for room stops all later notifications of the connection: a handle
         * whose size is below {@link #MIN_TRACKING_MESSAGE_SIZE} may not track keys.
         *
         * <p>What a smaller size costs besides: corosync has room for fewer answers at once, and
         * each {@link CmapAsync#getAsync} reserves one of 16 KiB, so fewer are in flight; and the
         * notification ring holds fewer notifications before corosync keeps the next ones in its
         * own memory until a dispatch makes room (none is lost; it logs "Q empty" once they are
         * all sent). Measured on 2026-12-07 against 1 MiB: pipelined gets ran at a rate within the
         * spread of 1 MiB's at 512 KiB and at about 0.3 times it at 64 KiB; the ring held some
         * 1,500 small notifications at 512 KiB, some 190 at 64 KiB and some 3,000 at 1 MiB.
         * {@link #LIBCMAP_MAX_MESSAGE_SIZE} gives libcmap's rings exactly.
         *
         * <p>corosync zeroes the rings in the thread that also serves the cluster, which waits
         * meanwhile: at 16 MiB an SHM connect took 0.76 s on a 2-vCPU machine (2026-12-05).
         *
         * @param value a number of bytes from {@link #MIN_MAX_MESSAGE_SIZE} to
         *     {@link #MAX_MAX_MESSAGE_SIZE}
         * @return this builder
         * @throws CmapException {@link CsError#INVALID_PARAM} for a size outside those bounds,
         *     before anything is sent to corosync
         */
        public Builder maxMessageSize(int value) {
            if (value < MIN_MAX_MESSAGE_SIZE || value > MAX_MAX_MESSAGE_SIZE) {
                throw new CmapException(CsError.INVALID_PARAM, "max message size " + value + " outside "
                        + MIN_MAX_MESSAGE_SIZE + "-" + MAX_MAX_MESSAGE_SIZE + " bytes: libqb's answer to a connect"
                        + " must fit a message, and corosync creates three rings of that size per connection");
            }
            maxMessageSize = value;
            return this;
        }

        /**
         * Turns automatic reconnection on. When the connection is lost (seen by a dispatch, a
         * waiting call or the next call), every request in flight fails with
         * {@link CsError#LIBRARY}, and so does every call until the handle is connected again;
         * a dispatch of type ONE or BLOCKING waits for the new connection, ALL returns, and
         * ONE_NONBLOCKING fails with TRY_AGAIN. Once reconnected, every tracking is registered
         * again under its old track handle and the policy's listener is told. Changes made while
         * no connection existed are not notified (corosync keeps no history to replay them from),
         * so an application re-reads what it tracks in {@link ReconnectListener#onReconnected};
         * a descriptor taken from {@link CmapHandle#fd()} before must be taken again.
         *
         * @param value the policy; not null
         * @return this builder
         */
        public Builder reconnect(ReconnectPolicy value) {
            reconnect = nonNull("reconnect policy", value);
            return this;
        }

        /**
         * Turns automatic reconnection off (the default).
         *
         * @return this builder
         */
        public Builder noReconnect() {
            reconnect = null;
            return this;
        }

        /** {@return the options as set so far} */
        public CmapOptions build() {
            return new CmapOptions(this);
        }

        private static <T> T nonNull(String what, T value) {
            if (value == null) {
                throw new CmapException(CsError.INVALID_PARAM, what + " is null");
            }
            return value;
        }

        private static Duration positive(String what, Duration value) {
            if (nonNull(what, value).isNegative() || value.isZero()) {
                throw new CmapException(CsError.INVALID_PARAM, what + " " + value + " is not positive");
            }
            return notLongerThanTheLongestWait(what, value);
        }
    }

    /** Checks that {@code value} can be counted in nanoseconds ({@link #LONGEST_WAIT}). */
    static Duration notLongerThanTheLongestWait(String what, Duration value) {
        if (value.compareTo(LONGEST_WAIT) > 0) {
            throw new CmapException(CsError.INVALID_PARAM, what + " " + value + " is longer than the longest wait, "
                    + LONGEST_WAIT + " (2^63-1 ns)");
        }
        return value;
    }
}
