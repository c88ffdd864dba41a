package io.jcmap.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@Tag("integration")
@ExtendWith(LeakCheckExtension.class)
class CorosyncExtensionIT {

    @RegisterExtension
    static CorosyncExtension corosync = CorosyncExtension.builder().ipcType(IpcType.SOCKET).build();

    private static Corosync seenInBeforeAll;
    private final Corosync fromConstructor;

    CorosyncExtensionIT(Corosync fromConstructor) {
        this.fromConstructor = fromConstructor;
    }

    @BeforeAll
    static void runsBeforeTheClassesOwnSetUp(Corosync injected) {
        seenInBeforeAll = injected;
    }

    @Test
    void injectsTheOneRunningInstanceEverywhere(Corosync injected) {
        assertSame(corosync.instance(), injected);
        assertSame(injected, fromConstructor);
        assertSame(injected, seenInBeforeAll);
    }

    @Test
    void runsTheConfiguredCorosync(Corosync injected) {
        assertEquals(corosync.config(), injected.config());
        assertEquals(corosync.config().clusterName(), CorosyncContract.cmapGet(injected, "totem.cluster_name"));
        assertEquals("socket", CorosyncContract.cmapGet(injected, "system.qb_ipc_type"));
    }

    @Test
    void picksTheBackendFromTheSystemProperty(Corosync injected) {
        assertEquals(Backend.fromSystemProperty().resolve(), injected.backend());
    }

    @Nested
    class NestedTests {
        @Test
        void shareTheEnclosingClassesInstance(Corosync injected) {
            assertSame(corosync.instance(), injected);
        }
    }
}
