/**
 * The wire below jcmap's client: libc through FFM, libqb's IPC (setup socket, shared-memory
 * rings, socket transport) and the CMAP codec. Nothing here is API: its packages are open to
 * the client alone, so applications cannot come to depend on them.
 *
 * <p>This module makes the downcalls into libc, so it is the one to name in
 * {@code --enable-native-access=io.jcmap.protocol} on the module path.
 */
module io.jcmap.protocol {
    requires org.slf4j;

    exports io.jcmap.protocol to io.jcmap.client;
    exports io.jcmap.protocol.cmap to io.jcmap.client;
    exports io.jcmap.protocol.ipc to io.jcmap.client;
    exports io.jcmap.protocol.os to io.jcmap.client;
}
