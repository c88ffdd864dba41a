package io.jcmap.client.reliability;

import io.jcmap.testkit.CorosyncExtension;
import io.jcmap.testkit.IpcType;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link CorosyncDeathContract} over the shared-memory transport. */
@Tag("integration")
class ShmCorosyncDeathIT extends CorosyncDeathContract {
    @RegisterExtension
    static final CorosyncExtension COROSYNC = CorosyncExtension.builder().ipcType(IpcType.SHM).build();
}
