package io.jcmap.client.it;

import io.jcmap.client.Cmap;
import io.jcmap.client.CmapHandle;

/**
 * A program on the class path that uses jcmap from the module path: prints the module jcmap's
 * API came from, whether the wire's packages are open to it and to the client, and the cluster
 * name read through a handle. What {@link ModulePathIT} starts.
 */
public final class ModulePathProbe {
    private static final String WIRE = "io.jcmap.protocol";

    private ModulePathProbe() {
    }

    /**
     * Prints one line per fact.
     *
     * @param args none
     */
    public static void main(String[] args) {
        Module client = Cmap.class.getModule();
        Module wire = client.getLayer().findModule(WIRE).orElseThrow();
        Module self = ModulePathProbe.class.getModule();
        System.out.println("api module: " + client.getName());
        System.out.println("wire open to the application: " + wire.isExported(WIRE + ".os", self));
        System.out.println("wire open to the client: " + wire.isExported(WIRE + ".os", client));
        try (CmapHandle handle = Cmap.initialize()) {
            System.out.println("cluster: " + handle.getString("totem.cluster_name"));
        }
    }
}
