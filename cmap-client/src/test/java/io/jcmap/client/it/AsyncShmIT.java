package io.jcmap.client.it;

import io.jcmap.testkit.CorosyncExtension;
import io.jcmap.testkit.IpcType;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link AsyncScenarios} over libqb's shared-memory IPC. */
class AsyncShmIT extends AsyncScenarios {
    @RegisterExtension
    static final CorosyncExtension COROSYNC = CorosyncExtension.builder().ipcType(IpcType.SHM).build();
}
