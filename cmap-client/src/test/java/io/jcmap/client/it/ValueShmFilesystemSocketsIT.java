package io.jcmap.client.it;

import io.jcmap.testkit.CorosyncExtension;
import io.jcmap.testkit.IpcType;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ValueScenarios} over libqb's shared-memory IPC, with corosync's libqb forced to filesystem sockets: the
 * handles connect to its socket file, and nothing serves the abstract name.
 */
class ValueShmFilesystemSocketsIT extends ValueScenarios {
    @RegisterExtension
    static final CorosyncExtension COROSYNC = CorosyncExtension.builder().ipcType(IpcType.SHM)
            .filesystemSockets(true).build();
}
