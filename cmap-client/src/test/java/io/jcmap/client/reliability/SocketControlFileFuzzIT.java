package io.jcmap.client.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jcmap.client.Cmap;
import io.jcmap.client.CmapException;
import io.jcmap.client.CmapHandle;
import io.jcmap.client.CmapMap;
import io.jcmap.client.CmapOptions;
import io.jcmap.client.CmapValue;
import io.jcmap.client.CsError;
import io.jcmap.client.DispatchType;
import io.jcmap.client.TrackEvent;
import io.jcmap.testkit.Corosync;
import io.jcmap.testkit.CorosyncExtension;
import io.jcmap.testkit.IpcType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fuzzing of the socket transport's control file against the real corosync: the file is shared
 * with the server (three {@code {int32 sent; int32 flow_control}}), so a broken or hostile server
 * can put anything there. After random words are written into it, every call of the handle
 * returns the right value or fails with a {@link CmapException} within the request timeout (no
 * other exception, no hang), and closing releases the connection. The client never uses these
 * words as sizes or indices: {@code flow_control == 1} means "try again", the counters are only
 * incremented and decremented. Trials are drawn from a fixed seed, so a failure repeats.
 * (SHM has no control file; its ring headers are fuzzed by RingPropertiesTest.)
 */
@Tag("integration")
class SocketControlFileFuzzIT {
    @RegisterExtension
    static final CorosyncExtension COROSYNC = CorosyncExtension.builder().ipcType(IpcType.SOCKET).build();

    private static final int TRIALS = 150;
    private static final long SEED = 0x6A636D6170L;
    private static final Duration TIMEOUT = Duration.ofMillis(200);
    /** A loaded machine's scheduling, not a wait: a call took 729 ms with four busy loops on two CPUs. */
    private static final Duration LATENESS = CorosyncPauseContract.LATENESS;
    private static final String KEY = "rel.control.key";
    private static final int[] SPECIAL = {0, 1, -1, 2, Integer.MIN_VALUE, Integer.MAX_VALUE, 1 << 16};

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void randomControlWordsOnlyEverGiveValuesOrCmapExceptions(Corosync corosync) {
        SplittableRandom random = new SplittableRandom(SEED);
        CmapOptions options = CmapOptions.builder().requestTimeout(TIMEOUT).build();
        Map<CsError, Integer> failures = new EnumMap<>(CsError.class);
        int successes = 0;
        for (int trial = 0; trial < TRIALS; trial++) {
            try (CmapHandle handle = Cmap.initialize(CmapMap.ICMAP, options)) {
                handle.setUint64(KEY, trial);
                handle.trackAdd(KEY, EnumSet.of(TrackEvent.MODIFY), (h, n) -> { });
                corrupt(controlFile(), random);
                long value = trial + 1_000L;
                List<Supplier<Object>> calls = List.of(
                        () -> { handle.setUint64(KEY, value); return null; },
                        () -> handle.getUint64(KEY),
                        () -> handle.setAsync(KEY, CmapValue.uint64(value)).join(),
                        () -> handle.getAsync(KEY).join(),
                        () -> handle.dispatch(DispatchType.ALL));
                for (Supplier<Object> call : calls) {
                    if (outcome(call, failures)) {
                        successes++;
                    }
                }
            }
            // the server still serves everybody else
            try (CmapHandle fresh = Cmap.initialize()) {
                fresh.setUint64(KEY, trial);
                assertEquals(trial, fresh.getUint64(KEY), "a fresh handle works after trial " + trial);
            }
        }
        System.out.printf("[reliability] SocketControlFileFuzzIT: %d trials of random control words, %d calls: "
                + "%d succeeded, failures %s, none else%n", TRIALS, 5 * TRIALS, successes, failures);
        assertTrue(successes > 0, "some trials leave the connection usable");
    }

    /** Runs {@code call}: true for a result, false for a CmapException (counted); anything else fails the test. */
    private static boolean outcome(Supplier<Object> call, Map<CsError, Integer> failures) {
        long start = System.nanoTime();
        try {
            call.get();
            return true;
        } catch (CmapException e) {
            failures.merge(e.error(), 1, Integer::sum);
            return false;
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof CmapException cmap) {
                failures.merge(cmap.error(), 1, Integer::sum);
                return false;
            }
            throw e;
        } finally {
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            if (millis > TIMEOUT.plus(LATENESS).toMillis()) {
                fail("a call took " + millis + " ms, beyond the request timeout of " + TIMEOUT.toMillis() + " ms");
            }
        }
    }

    /** Overwrites one to three of the six words with random or boundary values. */
    private static void corrupt(Path control, SplittableRandom random) {
        try (FileChannel channel = FileChannel.open(control, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            int count = 1 + random.nextInt(3);
            for (int i = 0; i < count; i++) {
                int word = random.nextInt(6);
                int value = random.nextBoolean() ? SPECIAL[random.nextInt(SPECIAL.length)] : random.nextInt();
                ByteBuffer bytes = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, value);
                channel.write(bytes, word * 4L);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The control file this process maps: exactly one handle is open, earlier ones unmapped theirs. */
    private static Path controlFile() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/maps"))) {
            List<String> paths = lines.filter(l -> l.contains("/dev/shm/qb-") && l.contains("control"))
                    .map(l -> l.substring(l.indexOf("/dev/shm/"))).distinct().toList();
            assertEquals(1, paths.size(), () -> "one mapped control file: " + paths);
            return Path.of(paths.getFirst());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
