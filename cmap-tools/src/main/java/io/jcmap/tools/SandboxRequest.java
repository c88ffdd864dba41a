package io.jcmap.tools;

import io.jcmap.testkit.IpcType;

/**
 * How {@code --sandbox} should start its private corosync.
 *
 * @param container run it in a Docker container ({@code --container}) instead of as a local process
 * @param ipcType   the IPC transport it offers ({@code --sandbox-ipc}); not null
 */
record SandboxRequest(boolean container, IpcType ipcType) {
}
