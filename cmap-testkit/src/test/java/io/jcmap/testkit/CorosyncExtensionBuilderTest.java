package io.jcmap.testkit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Settings the extension could not honour fail when it is built, not silently when a class starts. */
class CorosyncExtensionBuilderTest {
    private static final CorosyncConfig CONFIG = CorosyncConfig.builder().clusterName("from-config").build();

    @Test
    void aCompleteConfigurationAndIndividualSettingsTogetherAreRefused() {
        IllegalArgumentException after = assertThrows(IllegalArgumentException.class,
                () -> CorosyncExtension.builder().config(CONFIG).clusterName("explicit").build());
        assertTrue(after.getMessage().contains("clusterName"), after.getMessage());
        IllegalArgumentException before = assertThrows(IllegalArgumentException.class,
                () -> CorosyncExtension.builder().ipcType(IpcType.SOCKET).config(CONFIG).build());
        assertTrue(before.getMessage().contains("ipcType"), before.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> CorosyncExtension.builder().config(CONFIG).startupTimeout(Duration.ofSeconds(9)).build());
        assertDoesNotThrow(() -> CorosyncExtension.builder().config(CONFIG).backend(Backend.LOCAL).build());
        assertDoesNotThrow(() -> CorosyncExtension.builder().clusterName("explicit").ipcType(IpcType.SOCKET).build());
    }

    @Test
    void anImageNameDockerDoesNotTakeIsRefusedAtOnce() {
        assertThrows(IllegalArgumentException.class, () -> CorosyncExtension.builder().image(""));
        assertThrows(IllegalArgumentException.class, () -> CorosyncExtension.builder().image("Bad Name!"));
        NullPointerException e = assertThrows(NullPointerException.class, () -> CorosyncExtension.builder().image(null));
        assertTrue(e.getMessage().contains("image"), e.getMessage());
        assertDoesNotThrow(() -> CorosyncExtension.builder().image("jcmap/corosync:3.1.7").backend(Backend.CONTAINER).build());
    }

    @Test
    void anImageMakesAutoTheContainerBackendAndRefusesALocalProperty() {
        try (var _ = SavedProperty.of(Backend.PROPERTY)) {
            System.clearProperty(Backend.PROPERTY);
            assertEquals(Backend.CONTAINER, CorosyncExtension.builder().image("jcmap/corosync:3.1.7").build().chosenBackend());
            assertEquals(Backend.CONTAINER,
                    CorosyncExtension.builder().image("jcmap/corosync:3.1.7").backend(Backend.AUTO).build().chosenBackend());
            assertEquals(Backend.AUTO.resolve(), CorosyncExtension.builder().build().chosenBackend());
            System.setProperty(Backend.PROPERTY, "local");
            CorosyncExtension extension = CorosyncExtension.builder().image("jcmap/corosync:3.1.7").build();
            IllegalStateException e = assertThrows(IllegalStateException.class, extension::chosenBackend);
            assertTrue(e.getMessage().contains(Backend.PROPERTY), e.getMessage());
            assertEquals(Backend.LOCAL, CorosyncExtension.builder().build().chosenBackend());
        }
    }

    @Test
    void anImageWithTheLocalBackendIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CorosyncExtension.builder().backend(Backend.LOCAL).image("jcmap/corosync:3.1.7").build());
        assertTrue(e.getMessage().contains("container backend"), e.getMessage());
    }
}
