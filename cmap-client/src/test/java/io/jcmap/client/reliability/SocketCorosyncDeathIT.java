package io.jcmap.client.reliability;

import io.jcmap.testkit.CorosyncExtension;
import io.jcmap.testkit.IpcType;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link CorosyncDeathContract} over the socket transport. A stopped server reads no datagrams,
 * so the kernel queues only {@code net.unix.max_dgram_qlen} of them (10 in a fresh network
 * namespace) and the transport refuses the rest with TRY_AGAIN, as libqb's does.
 */
@Tag("integration")
class SocketCorosyncDeathIT extends CorosyncDeathContract {
    @RegisterExtension
    static final CorosyncExtension COROSYNC = CorosyncExtension.builder().ipcType(IpcType.SOCKET).build();

    @Override
    boolean queuesAllAsyncRequests() {
        return false;
    }
}
