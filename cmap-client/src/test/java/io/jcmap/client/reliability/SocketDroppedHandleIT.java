package io.jcmap.client.reliability;

import io.jcmap.testkit.CorosyncExtension;
import io.jcmap.testkit.IpcType;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link DroppedHandleContract} over the socket transport. */
@Tag("integration")
class SocketDroppedHandleIT extends DroppedHandleContract {
    @RegisterExtension
    static final CorosyncExtension COROSYNC = CorosyncExtension.builder().ipcType(IpcType.SOCKET).build();
}
