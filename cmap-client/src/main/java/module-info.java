/**
 * jcmap, a pure-Java client for corosync's CMAP service: {@link io.jcmap.client.Cmap} opens a
 * handle. Its wire, {@code io.jcmap.protocol}, calls into libc through FFM; on the module path
 * grant that module native access with {@code --enable-native-access=io.jcmap.protocol}.
 */
module io.jcmap.client {
    requires io.jcmap.protocol;
    requires org.slf4j;

    exports io.jcmap.client;
}
