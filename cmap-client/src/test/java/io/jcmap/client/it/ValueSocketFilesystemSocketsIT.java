package io.jcmap.client.it;

import io.jcmap.testkit.CorosyncExtension;
import io.jcmap.testkit.IpcType;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ValueScenarios} over libqb's socket IPC, with corosync's libqb forced to filesystem sockets: the
 * handles connect to its socket file, and nothing serves the abstract name.
 */
class ValueSocketFilesystemSocketsIT extends ValueScenarios {
    @RegisterExtension
    static final CorosyncExtension COROSYNC = CorosyncExtension.builder().ipcType(IpcType.SOCKET)
            .filesystemSockets(true).build();
}
