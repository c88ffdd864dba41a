package io.jcmap.protocol.it;

import io.jcmap.testkit.CorosyncExtension;
import io.jcmap.testkit.IpcType;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RawCmapScenarios} over libqb's shared-memory rings. */
class RawCmapShmIT extends RawCmapScenarios {
    @RegisterExtension
    static final CorosyncExtension COROSYNC = CorosyncExtension.builder().ipcType(IpcType.SHM).build();

    @Override
    IpcType ipcType() {
        return IpcType.SHM;
    }
}
