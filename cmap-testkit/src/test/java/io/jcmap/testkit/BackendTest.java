package io.jcmap.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class BackendTest {

    @Test
    void parsesNamesInAnyCase() {
        assertEquals(Backend.LOCAL, Backend.parse("local"));
        assertEquals(Backend.CONTAINER, Backend.parse(" Container "));
        assertEquals(Backend.AUTO, Backend.parse("AUTO"));
    }

    @Test
    void rejectsUnknownNamesNamingTheProperty() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backend.parse("docker"));

        assertTrue(e.getMessage().contains("jcmap.testkit.backend"), e.getMessage());
        assertTrue(e.getMessage().contains("local, container or auto"), e.getMessage());
    }

    /** Null arguments are named, not left to the JVM's generic message. */
    @Test
    void nullArgumentsAreNamed() {
        assertEquals("backend name", assertThrows(NullPointerException.class, () -> Backend.parse(null)).getMessage());
        assertEquals("config", assertThrows(NullPointerException.class,
                () -> Corosync.start(null, Backend.LOCAL)).getMessage());
        assertEquals("backend", assertThrows(NullPointerException.class,
                () -> Corosync.start(CorosyncConfig.defaults(), null)).getMessage());
        assertEquals("privateDir", assertThrows(NullPointerException.class,
                () -> CorosyncConfig.defaults().render(null)).getMessage());
    }

    @Test
    void readsTheSystemPropertyDefaultingToAuto() {
        try (var _ = SavedProperty.of(Backend.PROPERTY)) {
            System.clearProperty(Backend.PROPERTY);
            assertEquals(Backend.AUTO, Backend.fromSystemProperty());
            System.setProperty(Backend.PROPERTY, "container");
            assertEquals(Backend.CONTAINER, Backend.fromSystemProperty());
        }
    }

    @Test
    void concreteBackendsResolveToThemselves() {
        assertEquals(Backend.LOCAL, Backend.LOCAL.resolve());
        assertEquals(Backend.CONTAINER, Backend.CONTAINER.resolve());
    }

    @Test
    void autoPicksLocalExactlyWhenCorosyncIsInstalledAndWeAreRoot() {
        boolean local = Files.isExecutable(LocalCorosync.COROSYNC) && Privileges.isRoot();

        assertEquals(local ? Backend.LOCAL : Backend.CONTAINER, Backend.AUTO.resolve());
    }
}
