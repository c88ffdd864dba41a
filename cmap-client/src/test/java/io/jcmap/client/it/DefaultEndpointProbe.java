package io.jcmap.client.it;

import io.jcmap.client.Cmap;
import io.jcmap.client.CmapException;
import io.jcmap.client.CmapHandle;

/**
 * A program of its own that connects to the default endpoint and prints the cluster name, or
 * the error of the connect and exits with 2: what {@link DefaultEndpointFilesystemSocketsIT} starts
 * in the mount namespace a libqb client of the test corosync sees.
 */
public final class DefaultEndpointProbe {
    private DefaultEndpointProbe() {
    }

    /**
     * Connects and prints.
     *
     * @param args none
     */
    public static void main(String[] args) {
        try (CmapHandle handle = Cmap.initialize()) {
            System.out.println(handle.getString("totem.cluster_name"));
        } catch (CmapException e) {
            System.out.println(e.error() + ": " + e.getMessage());
            System.exit(2);
        }
    }
}
