package io.jcmap.client.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jcmap.client.CmapHandle;
import io.jcmap.client.CmapIterator;
import io.jcmap.client.CmapKeyInfo;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * corosync's per-connection IPC counters, read through a handle on the stats map. corosync
 * names them {@code stats.ipcs.service<id>.<client pid>.<connection pointer>.<counter>}; the
 * CMAP service is service 0.
 */
public final class ConnectionStats {
    private static final String CMAP_CONNECTIONS = "stats.ipcs.service0.";
    private final CmapHandle stats;

    /** @param stats a handle on {@link io.jcmap.client.CmapMap#STATS} */
    public ConnectionStats(CmapHandle stats) {
        this.stats = stats;
    }

    /** The key prefixes ({@code ...service0.<pid>.<pointer>.}) of the CMAP connections of {@code pid}. */
    public Set<String> connectionsOf(long pid) {
        String prefix = CMAP_CONNECTIONS + pid + ".";
        Set<String> connections = new HashSet<>();
        try (CmapIterator keys = stats.iterate(prefix)) {
            while (keys.hasNext()) {
                CmapKeyInfo key = keys.next();
                int end = key.name().indexOf('.', prefix.length());
                connections.add(key.name().substring(0, end + 1));
            }
        }
        return connections;
    }

    /** Opens a connection of this process with {@code opener} and returns its key prefix. */
    public <T> Opened<T> open(Supplier<T> opener) {
        long pid = ProcessHandle.current().pid();
        Set<String> before = connectionsOf(pid);
        T opened = opener.get();
        Set<String> added = new HashSet<>(connectionsOf(pid));
        added.removeAll(before);
        assertEquals(1, added.size(), () -> "opening one handle should add one connection to the stats map: " + added);
        return new Opened<>(opened, added.iterator().next());
    }

    /** How many requests corosync has received on the connection with key prefix {@code connection}. */
    public long requests(String connection) {
        return stats.getUint64(connection + "requests");
    }

    /** How many events (notifications) corosync has sent on the connection with key prefix {@code connection}. */
    public long dispatched(String connection) {
        return stats.getUint64(connection + "dispatched");
    }

    /** What {@link #open} opened, and its key prefix in the stats map. */
    public record Opened<T>(T value, String connection) {
    }
}
