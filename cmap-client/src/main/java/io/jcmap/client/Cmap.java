package io.jcmap.client;

import io.jcmap.protocol.ErrnoException;
import io.jcmap.protocol.ipc.ConnectAbort;
import io.jcmap.protocol.ipc.Ipc;
import io.jcmap.protocol.ipc.IpcConnection;
import io.jcmap.protocol.ipc.IpcOptions;
import io.jcmap.protocol.os.CurrentProcess;
import io.jcmap.protocol.os.UnixAddress;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Opens connections to corosync's CMAP service: {@code cmap_initialize} and
 * {@code cmap_initialize_map}.
 *
 * <pre>{@code
 * try (CmapHandle cmap = Cmap.initialize()) {
 *     String cluster = cmap.getString("totem.cluster_name");
 * }
 * }</pre>
 */
public final class Cmap {
    private static final Path SHM_DIRECTORY = Path.of("/dev/shm");
    private static final Duration LIVENESS_INTERVAL = Duration.ofMillis(100);

    private Cmap() {
    }

    /**
     * Connects to the default map with default options ({@code cmap_initialize}).
     *
     * @return the open handle
     * @throws CmapException LIBRARY when corosync does not run or refuses us (as libcmap), ACCESS
     *     when the server runs as a uid the options do not trust, TRY_AGAIN when corosync does not
     *     answer the handshake within the connect timeout ({@link CmapOptions#connectTimeout()}:
     *     a stopped or very busy corosync)
     */
    public static CmapHandle initialize() {
        return open(CmapMap.ICMAP, CmapOptions.defaults(), false);
    }

    /**
     * Connects to the default map with {@code options} ({@code cmap_initialize}, with settings of
     * your own: endpoint, message size, timeouts). Like {@link #initialize()} it selects no map, so
     * the handle is ready one round trip sooner than with {@link #initialize(CmapMap, CmapOptions)}.
     *
     * @param options the connection settings
     * @return the open handle
     * @throws CmapException INVALID_PARAM for null options; NOT_EXIST when the endpoint is a
     *     socket file that does not exist (libcmap's code for ENOENT; see
     *     {@link CmapOptions.Builder#endpoint}); else as {@link #initialize()}
     */
    public static CmapHandle initialize(CmapOptions options) {
        if (options == null) {
            throw new CmapException(CsError.INVALID_PARAM, "initialize: null options");
        }
        return open(CmapMap.ICMAP, options, false);
    }

    /**
     * Connects and selects {@code map} ({@code cmap_initialize_map}).
     *
     * @param map the map to work on
     * @return the open handle
     * @throws CmapException INVALID_PARAM for a null map; else as {@link #initialize()}
     */
    public static CmapHandle initialize(CmapMap map) {
        return initialize(map, CmapOptions.defaults());
    }

    /**
     * Connects with {@code options} and selects {@code map} ({@code cmap_initialize_map}): one
     * round trip more than {@link #initialize(CmapOptions)}, even for {@link CmapMap#ICMAP}.
     *
     * @param map     the map to work on
     * @param options the connection settings
     * @return the open handle
     * @throws CmapException INVALID_PARAM for a null map or options; else as
     *     {@link #initialize(CmapOptions)}
     */
    public static CmapHandle initialize(CmapMap map, CmapOptions options) {
        if (map == null || options == null) {
            throw new CmapException(CsError.INVALID_PARAM, "initialize: null map or options");
        }
        return open(map, options, true);
    }

    private static CmapHandle open(CmapMap map, CmapOptions options, boolean selectMap) {
        // not through the overload below: its connects could not be aborted by a close (a reconnect's)
        return ApplicationHandle.of(new ConnectedHandle(map, options, selectMap));
    }

    /** The handle the application gets, over connections from {@code connector} (a unit test's scripted server). */
    static CmapHandle open(CmapMap map, CmapOptions options, boolean selectMap,
                           Function<CmapOptions, IpcConnection> connector) {
        return ApplicationHandle.of(new ConnectedHandle(map, options, selectMap, connector));
    }

    static IpcConnection connect(CmapOptions options) {
        return connect(options, new ConnectAbort());
    }

    /** As above; {@code abort} ends it while it waits for corosync (a reconnect round when the handle closes). */
    static IpcConnection connect(CmapOptions options, ConnectAbort abort) {
        try {
            return Ipc.connect(ipcOptions(options), abort);
        } catch (ErrnoException e) {
            throw CmapException.ofErrno(e.errno(), "initialize(" + options.endpoint() + "): " + e.getMessage(), e);
        }
    }

    static IpcOptions ipcOptions(CmapOptions options) {
        UnixAddress address = switch (options.endpoint()) {
            case Endpoint.AbstractName name -> UnixAddress.abstractName(name.name());
            case Endpoint.SocketPath path -> UnixAddress.path(path.path().toString());
            case Endpoint.LibqbService service -> LibqbSockets.SYSTEM.address(service.name());
        };
        return new IpcOptions(address, options.maxMessageSize(), options.connectTimeout(),
                trustedUids(options.serverUidPolicy()), SHM_DIRECTORY, LIVENESS_INTERVAL);
    }

    private static Set<Integer> trustedUids(ServerUidPolicy policy) {
        return switch (policy) {
            case ServerUidPolicy.RootOrSelf rootOrSelf -> new HashSet<>(List.of(ServerUidPolicy.RootOrSelf.ROOT_UID,
                    CurrentProcess.uid()));
            case ServerUidPolicy.AnyUid any -> Set.of();
            case ServerUidPolicy.Listed listed -> listed.uids();
        };
    }
}
