package io.jcmap.client.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.jcmap.client.Cmap;
import io.jcmap.client.CmapHandle;
import io.jcmap.client.CmapIterator;
import io.jcmap.client.DispatchType;
import io.jcmap.client.TrackEvent;
import io.jcmap.testkit.Corosync;
import io.jcmap.testkit.CorosyncExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * The usage example of README.md, run against a real corosync. The code between the markers is
 * the README's Java block, character for character ({@code io.jcmap.client.ReadmeExampleTest}
 * checks that they stay the same).
 */
@Tag("integration")
class ReadmeExampleIT {
    @RegisterExtension
    static final CorosyncExtension COROSYNC = CorosyncExtension.builder().build();

    // README-EXAMPLE-BEGIN
    static void example(PrintStream out) {
        try (CmapHandle cmap = Cmap.initialize()) {
            // typed set and get
            cmap.setUint32("example.counter", 41);
            cmap.inc("example.counter");
            out.println("counter = " + cmap.getUint32("example.counter"));

            // the keys below a prefix, in corosync's order
            try (CmapIterator keys = cmap.iterate("totem.")) {
                keys.forEachRemaining(key -> out.println(key.name() + " (" + key.type() + ")"));
            }

            // track a key; dispatch runs the listener on the calling thread
            long track = cmap.trackAdd("example.counter", EnumSet.of(TrackEvent.MODIFY),
                    (handle, change) -> out.println(change.key() + " " + change.event() + ": "
                            + change.oldValue() + " -> " + change.newValue()));
            cmap.setUint32("example.counter", 100);
            cmap.dispatch(DispatchType.ONE); // blocks until the MODIFY arrived and ran
            cmap.trackDelete(track);
            cmap.delete("example.counter");
        }
    }
    // README-EXAMPLE-END

    @Test
    void theReadmeExampleRunsAndPrintsWhatItPromises(Corosync corosync) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        example(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();

        List<String> expected = new ArrayList<>();
        expected.add("counter = 42");
        CmapctlTool.listing(corosync, "totem.").forEach((name, type) -> expected.add(name + " (" + type + ")"));
        expected.add("example.counter MODIFY: UInt32[value=42] -> UInt32[value=100]");
        assertEquals(expected, lines);
        assertFalse(corosync.cmapctl("-g", "example.counter").succeeded(), "the example deleted its key");
    }
}
