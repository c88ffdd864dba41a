package io.jcmap.tools;

import io.jcmap.testkit.Corosync;
import io.jcmap.testkit.CorosyncExtension;
import io.jcmap.testkit.IpcType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The differential contract against a corosync offering SOCKET IPC. */
@Tag("integration")
class JcmapctlSocketIT extends JcmapctlDifferentialContract {
    @RegisterExtension
    static final CorosyncExtension COROSYNC = CorosyncExtension.builder().ipcType(IpcType.SOCKET).build();

    @Override
    Corosync corosync() {
        return COROSYNC.instance();
    }
}
