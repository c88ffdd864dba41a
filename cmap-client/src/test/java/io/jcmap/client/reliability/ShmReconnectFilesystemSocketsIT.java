package io.jcmap.client.reliability;

import io.jcmap.testkit.CorosyncExtension;
import io.jcmap.testkit.IpcType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ReconnectContract} over SHM with corosync's libqb forced to filesystem sockets: each
 * restart replaces the socket file the handles reconnect to.
 */
@Tag("integration")
class ShmReconnectFilesystemSocketsIT extends ReconnectContract {
    @RegisterExtension
    static final CorosyncExtension COROSYNC = CorosyncExtension.builder().ipcType(IpcType.SHM)
            .filesystemSockets(true).build();
}
