package io.jcmap.testkit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("integration")
class LocalCorosyncIT extends CorosyncContract {

    @Override
    Backend backend() {
        return Backend.LOCAL;
    }

    @Override
    void assertBackendResourcesRemoved(Corosync closed) {
        assertFalse(Files.exists(((LocalCorosync) closed).privateDir()), "private directory deleted");
    }

    @Test
    void keepsStateAndLogFileInThePrivateDirectory() {
        try (LocalCorosync corosync = LocalCorosync.start(CorosyncConfig.defaults())) {
            assertTrue(Files.isRegularFile(corosync.privateDir().resolve("corosync.conf")));
            assertTrue(Files.isRegularFile(corosync.privateDir().resolve("corosync.log")));
            assertTrue(cmapGet(corosync, "logging.logfile").startsWith(corosync.privateDir().toString()));
            assertTrue(cmapGet(corosync, "system.state_dir").equals(corosync.privateDir().toString()));
        }
    }
}
