package io.jcmap.client.it;

import io.jcmap.testkit.CorosyncExtension;
import io.jcmap.testkit.IpcType;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link DispatchScenarios} over libqb's shared-memory IPC. */
class DispatchShmIT extends DispatchScenarios {
    @RegisterExtension
    static final CorosyncExtension COROSYNC = CorosyncExtension.builder().ipcType(IpcType.SHM).build();
}
