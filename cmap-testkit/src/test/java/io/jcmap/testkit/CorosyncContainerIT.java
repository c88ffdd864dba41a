package io.jcmap.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.exception.NotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

@Tag("integration")
class CorosyncContainerIT extends CorosyncContract {

    @Override
    Backend backend() {
        return Backend.CONTAINER;
    }

    @Override
    void assertBackendResourcesRemoved(Corosync closed) {
        CorosyncContainer container = (CorosyncContainer) closed;
        assertNull(container.getContainerId(), "container id cleared");
        assertEquals(java.util.Set.of(), LeakCheckExtension.testkitContainers(), "no testkit container exists");
    }

    @Test
    void runsTheImagesCorosyncWithTheHostsPidAndIpcNamespaces() throws Exception {
        try (CorosyncContainer corosync = CorosyncContainer.startNew(CorosyncConfig.defaults())) {
            long pid = corosync.pid();
            String cmdline = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');

            assertTrue(cmdline.startsWith("/usr/sbin/corosync -f -c /var/lib/jcmap-corosync/corosync.conf"), cmdline);
            assertEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/ipc")),
                    Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns/ipc")));
            assertEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/net")),
                    Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns/net")));
            assertEquals("/var/lib/jcmap-corosync", cmapGet(corosync, "system.state_dir"));
            assertTrue(corosync.getDockerImageName().startsWith("jcmap/corosync:3.1.7"));
        }
    }

    @Test
    void aClosedContainerIsGoneFromDocker() {
        CorosyncContainer corosync = CorosyncContainer.startNew(CorosyncConfig.defaults());
        String id = corosync.getContainerId();

        corosync.close();

        assertThrows(NotFoundException.class,
                () -> DockerClientFactory.instance().client().inspectContainerCmd(id).exec());
    }
}
