package io.jcmap.protocol.it;

import io.jcmap.testkit.CorosyncExtension;
import io.jcmap.testkit.IpcType;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RawCmapScenarios} over libqb's socket transport (datagrams and a control file). */
class RawCmapSocketIT extends RawCmapScenarios {
    @RegisterExtension
    static final CorosyncExtension COROSYNC = CorosyncExtension.builder().ipcType(IpcType.SOCKET).build();

    @Override
    IpcType ipcType() {
        return IpcType.SOCKET;
    }
}
