package io.jcmap.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

class CmapOwnershipTest {

    // Layout of /proc/net/unix: Num RefCount Protocol Flags Type St Inode Path; abstract names
    // start with '@' and libqb pads them with NULs, which the kernel prints as '@'.
    private static final String HEADER = "Num       RefCount Protocol Flags    Type St Inode Path\n";

    @Test
    void findsTheAbstractCmapSocketPaddedWithNuls() {
        String listing = HEADER
                + "0000000000000000: 00000002 00000000 00010000 0001 01 20633 @cmap@@@@@@@@@@@@@@@@@@@@@@@@\n"
                + "0000000000000000: 00000002 00000000 00010000 0001 01 20634 @cpg@@@@@@@@@@@@@@@@@@@@@@@@@\n"
                + "0000000000000000: 00000003 00000000 00000000 0001 03 20700 @cmap@@@@@@@@@@@@@@@@@@@@@@@@\n";

        assertEquals(Set.of(20633L, 20700L), CmapOwnership.owningInodes(listing, false));
    }

    @Test
    void ignoresOtherNamesUnnamedSocketsAndLookalikes() {
        String listing = HEADER
                + "0000000000000000: 00000002 00000000 00010000 0001 01 1 @cmapx\n"
                + "0000000000000000: 00000002 00000000 00010000 0001 01 2 @qb-cmap@@@@\n"
                + "0000000000000000: 00000003 00000000 00000000 0001 03 3\n"
                + "0000000000000000: 00000002 00000000 00010000 0001 01 4 /run/cmap\n";

        assertEquals(Set.of(), CmapOwnership.owningInodes(listing, false));
    }

    @Test
    void findsFilesystemSocketsOnlyWhenLibqbIsForcedToThem() {
        String listing = HEADER
                + "0000000000000000: 00000002 00000000 00010000 0001 01 4 /var/run/cmap\n"
                + "0000000000000000: 00000002 00000000 00010000 0001 01 5 /run/cmap\n"
                // Debian's libqb publishes in /tmp (measured with corosync 3.1.7, libqb 2.0.6)
                + "0000000000000000: 00000002 00000000 00010000 0001 01 6 /tmp/cmap\n";

        assertEquals(Set.of(), CmapOwnership.owningInodes(listing, false));
        assertEquals(Set.of(4L, 5L, 6L), CmapOwnership.owningInodes(listing, true));
    }

    @Test
    void namesTheTestkitsOwnLeftoversAndHowToRemoveThem() {
        assertEquals(": a jcmap-testkit corosync left by a JVM that was killed before it could close it; remove it "
                        + "with: kill 19891; rm -rf /tmp/jcmap-corosync-588539 /dev/shm/qb-19891-* /dev/shm/qb-*-19891-*",
                CmapOwnership.leftoverHint("19891", "/usr/sbin/corosync -f -c /tmp/jcmap-corosync-588539/corosync.conf"));
        assertEquals(": a jcmap-testkit container left by a JVM that was killed before it could close it; remove "
                        + "it with: docker rm -f $(docker ps -aq --filter label=io.jcmap.testkit=true)",
                CmapOwnership.leftoverHint("21670", "/usr/sbin/corosync -f -c /var/lib/jcmap-corosync/corosync.conf"));
        assertEquals("", CmapOwnership.leftoverHint("16046", "corosync -f -c /tmp/ctlreview/ns/cs.conf"));
        assertEquals("", CmapOwnership.leftoverHint("1", "/usr/sbin/corosync -f"));
    }
}
