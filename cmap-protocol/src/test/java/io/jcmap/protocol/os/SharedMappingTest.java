package io.jcmap.protocol.os;

import io.jcmap.protocol.ErrnoException;
import io.jcmap.protocol.fake.DecoyFile;
import io.jcmap.protocol.fake.ShmTempDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Set;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Opening server-named files: only regular files below the trusted root, never via a link. */
class SharedMappingTest {
    private static final int ENOENT = 2;
    private static final int ENXIO = 6;
    private static final int EACCES = 13;
    private static final int ENOTDIR = 20;
    private static final int EISDIR = 21;
    private static final int ELOOP = 40;
    private static final int EBADMSG = 74;
    private static final Path SHM = Path.of("/dev/shm");

    private final ShmTempDirectory dir = ShmTempDirectory.create("jcmap-mapping-");
    private final DecoyFile decoy = DecoyFile.create();

    @AfterEach
    void cleanUp() {
        dir.close();
        decoy.close();
    }

    private static void assertErrno(int errno, Executable call) {
        ErrnoException e = assertThrows(ErrnoException.class, call);
        assertEquals(errno, e.errno(), e.getMessage());
    }

    private static void assertErrno(Set<Integer> errnos, Executable call) {
        ErrnoException e = assertThrows(ErrnoException.class, call);
        assertTrue(errnos.contains(e.errno()), e.errno() + ": " + e.getMessage());
    }

    @Test
    void mapsAGoodFileAndSeesWritesOfAnotherMapping() throws IOException {
        Path file = dir.file("ring-data", 8192);
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2001-01-01T00:00:00Z")));
        try (SharedMapping a = SharedMapping.open(SHM, file.toString(), 8192);
             SharedMapping b = SharedMapping.open(SHM, file.toString(), 4096)) {
            assertEquals(8192, a.segment().byteSize());
            assertEquals(4096, b.segment().byteSize());
            a.segment().set(JAVA_INT, 4092, 0x12345678);
            assertEquals(0x12345678, b.segment().get(JAVA_INT, 4092));
            assertEquals(CurrentProcess.uid(), a.ownerUid());
            assertEquals(file.toString(), a.path());
        }
        assertEquals(8192, Files.size(file));                  // never truncated or extended
        DecoyFile.assertNotOpen(file);
    }

    @Test
    void removeNameTakesTheFileAndThenItsDirectoryOnceEmpty() {
        Path first = dir.file("qb-conn/qb-request-header", 4096);
        Path second = dir.file("qb-conn/qb-request-data", 4096);
        SharedMapping a = SharedMapping.open(SHM, first.toString(), 4096);
        SharedMapping b = SharedMapping.open(SHM, second.toString(), 4096);
        a.close();
        b.close();
        assertTrue(a.removeName());
        assertFalse(Files.exists(first));
        assertTrue(Files.isDirectory(dir.resolve("qb-conn")));  // b's file is still in it
        assertTrue(b.removeName());
        assertFalse(Files.exists(dir.resolve("qb-conn")));
        assertTrue(Files.isDirectory(dir.path()));              // never above the file's own directory
        assertFalse(a.removeName());                            // gone already: nothing to do, no error
    }

    @Test
    void removeNameLeavesANameThatNowLeadsToAnotherFile() throws IOException {
        Path file = dir.file("qb-conn/ring", 4096);
        SharedMapping mapping = SharedMapping.open(SHM, file.toString(), 4096);
        mapping.close();
        Files.delete(file);
        dir.file("qb-conn/ring", 4096);                         // the same name, another inode
        assertFalse(mapping.removeName());
        assertTrue(Files.exists(file));
    }

    @Test
    void removeNameFollowsNoLink() throws IOException {
        Path file = dir.file("qb-conn/ring", 4096);
        SharedMapping mapping = SharedMapping.open(SHM, file.toString(), 4096);
        mapping.close();
        Path moved = Files.move(dir.resolve("qb-conn"), dir.resolve("elsewhere"));
        Files.createSymbolicLink(dir.resolve("qb-conn"), moved);  // the mapped inode, behind a link
        assertFalse(mapping.removeName());
        assertTrue(Files.exists(moved.resolve("ring")));
    }

    @Test
    void closeUnmapsOnceAndForAll() {
        Path file = dir.file("f", 4096);
        SharedMapping mapping = SharedMapping.open(SHM, file.toString(), 4096);
        mapping.segment().set(JAVA_INT, 0, 7);
        mapping.close();
        DecoyFile.assertNotOpen(file);                          // unmapped at once, by this thread
        mapping.close();                                        // a second close unmaps nothing
        try (SharedMapping again = SharedMapping.open(SHM, file.toString(), 4096)) {
            assertEquals(7, again.segment().get(JAVA_INT, 0));  // the write reached the file
        }
        DecoyFile.assertNotOpen(file);
    }

    @Test
    void rootMayBeGivenWithATrailingSlashOrUnnormalized() {
        Path file = dir.file("f", 4096);
        try (SharedMapping m = SharedMapping.open(Path.of("/dev/shm/"), file.toString(), 16);
             SharedMapping n = SharedMapping.open(Path.of("/dev/./shm"), file.toString(), 16)) {
            assertEquals(16, m.segment().byteSize());
            assertEquals(16, n.segment().byteSize());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/passwd", "/tmp/x", "/dev/shm", "/dev/shm/", "/dev/shmx/f", "dev/shm/f", "", "/"})
    void pathsOutsideTheRootAreRefused(String path) {
        assertErrno(EACCES, () -> SharedMapping.open(SHM, path, 16));
    }

    @Test
    void decoyOutsideTheRootIsRefusedAndUntouched() {
        assertErrno(EACCES, () -> SharedMapping.open(SHM, decoy.path().toString(), 16));
        decoy.assertUntouched();
    }

    @Test
    void dotDotComponentsAreRefusedEvenWhenTheyWouldStayInside() throws IOException {
        Path file = dir.file("f", 4096);
        Files.createDirectory(dir.resolve("sub"));
        String base = dir.path().toString();
        assertErrno(EACCES, () -> SharedMapping.open(SHM, base + "/../../etc/passwd", 16));
        assertErrno(EACCES, () -> SharedMapping.open(SHM, base + "/sub/../f", 16));
        assertErrno(EACCES, () -> SharedMapping.open(SHM, base + "/./f", 16));
        assertErrno(EACCES, () -> SharedMapping.open(SHM, base + "//f", 16));
        assertErrno(EACCES, () -> SharedMapping.open(SHM, base + "/f/", 16));
        assertErrno(EACCES, () -> SharedMapping.open(SHM, "/dev/shm/.." + decoy.path(), 16));
        assertEquals(4096, Files.size(file));
        decoy.assertUntouched();
    }

    @Test
    void symbolicLinkAsTheLastComponentIsRefused() throws IOException {
        Path inside = dir.file("real", 4096);
        Path toInside = Files.createSymbolicLink(dir.resolve("link-inside"), inside);
        Path toDecoy = Files.createSymbolicLink(dir.resolve("link-decoy"), decoy.path());
        assertErrno(ELOOP, () -> SharedMapping.open(SHM, toInside.toString(), 16));
        assertErrno(ELOOP, () -> SharedMapping.open(SHM, toDecoy.toString(), 16));
        decoy.assertUntouched();
    }

    @Test
    void symbolicLinkAsAnIntermediateComponentIsRefused() throws IOException {
        Files.createDirectory(dir.resolve("realdir"));
        dir.file("realdir/f", 4096);
        Path linkedDir = Files.createSymbolicLink(dir.resolve("linkdir"), dir.resolve("realdir"));
        Path toTmp = Files.createSymbolicLink(dir.resolve("tmpdir"), decoy.path().getParent());
        assertErrno(Set.of(ELOOP, ENOTDIR), () -> SharedMapping.open(SHM, linkedDir + "/f", 16));
        assertErrno(Set.of(ELOOP, ENOTDIR), () -> SharedMapping.open(SHM, toTmp + "/" + decoy.path().getFileName(), 16));
        decoy.assertUntouched();
    }

    @Test
    void directoryIsRefused() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        assertErrno(EISDIR, () -> SharedMapping.open(SHM, sub.toString(), 16));
    }

    @Test
    void fifoIsRefusedWithoutBlocking() throws Exception {
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        assertErrno(EBADMSG, () -> SharedMapping.open(SHM, fifo.toString(), 16));
    }

    @Test
    void socketFileIsRefused() {
        Path socketFile = dir.resolve("sock");
        try (UnixSocket socket = UnixSocket.stream()) {
            socket.bind(UnixAddress.path(socketFile.toString()));
            assertErrno(ENXIO, () -> SharedMapping.open(SHM, socketFile.toString(), 16));
        }
    }

    @Test
    void fileShorterThanNeededIsRefusedAndKeepsItsSize() throws IOException {
        Path file = dir.file("short", 100);
        assertErrno(EBADMSG, () -> SharedMapping.open(SHM, file.toString(), 101));
        assertEquals(100, Files.size(file));
        Path empty = dir.file("empty", 0);
        assertErrno(EBADMSG, () -> SharedMapping.open(SHM, empty.toString(), 1));
        assertEquals(0, Files.size(empty));
    }

    @Test
    void missingFileIsEnoentAndNothingIsCreated() {
        Path missing = dir.resolve("missing");
        assertErrno(ENOENT, () -> SharedMapping.open(SHM, missing.toString(), 16));
        assertTrue(Files.notExists(missing));
        assertErrno(ENOENT, () -> SharedMapping.open(SHM, dir.resolve("nodir/f").toString(), 16));
    }

    @Test
    void failedOpensLeaveNoDescriptorBehind() throws IOException {
        Files.createSymbolicLink(dir.resolve("l"), decoy.path());
        for (int i = 0; i < 50; i++) {
            assertThrows(ErrnoException.class, () -> SharedMapping.open(SHM, dir.resolve("l").toString(), 16));
            assertThrows(ErrnoException.class, () -> SharedMapping.open(SHM, dir.resolve("missing").toString(), 16));
        }
        DecoyFile.assertNothingOpenBelow(dir.path());
    }
}
