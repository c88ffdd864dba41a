package io.jcmap.client.it;

import io.jcmap.testkit.CorosyncExtension;
import io.jcmap.testkit.IpcType;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ValueScenarios} over libqb's socket IPC. */
class ValueSocketIT extends ValueScenarios {
    @RegisterExtension
    static final CorosyncExtension COROSYNC = CorosyncExtension.builder().ipcType(IpcType.SOCKET).build();
}
