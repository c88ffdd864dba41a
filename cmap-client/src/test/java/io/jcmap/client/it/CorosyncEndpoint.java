package io.jcmap.client.it;

import io.jcmap.client.CmapOptions;
import io.jcmap.client.Endpoint;
import io.jcmap.testkit.Corosync;

/** Where a test's handles find the test corosync. */
public final class CorosyncEndpoint {
    private CorosyncEndpoint() {
    }

    /**
     * Options reaching {@code corosync}: its socket file when it was forced to filesystem sockets,
     * where the default endpoint (the abstract name) would find nothing.
     */
    public static CmapOptions.Builder options(Corosync corosync) {
        CmapOptions.Builder options = CmapOptions.builder();
        corosync.cmapSocket().ifPresent(socket -> options.endpoint(Endpoint.path(socket)));
        return options;
    }
}
