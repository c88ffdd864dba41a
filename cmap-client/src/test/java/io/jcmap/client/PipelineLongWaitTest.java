package io.jcmap.client;

import io.jcmap.protocol.cmap.ResponseHeaderDescriptor;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Threads that wait for an answer another thread reads sleep longer as the wait goes on (a
 * stopped corosync: short sleeps for good cost 1.3 CPUs for 1,000 waiting threads), and are
 * still woken at once when it is their turn to read.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PipelineLongWaitTest {
    private static final int RESPONSE_ID = ScriptedConnection.RESPONSE_ID;
    private static final int LENGTH = ResponseHeaderDescriptor.LENGTH;
    private static final int WAITERS = 50;

    @Test
    void aSleepGrowsToAnEighthOfTheTimeWaitedWithinItsBounds() {
        long milli = TimeUnit.MILLISECONDS.toNanos(1);
        assertEquals(10 * milli, Pipeline.parkSlice(0));
        assertEquals(10 * milli, Pipeline.parkSlice(80 * milli));
        assertEquals(50 * milli, Pipeline.parkSlice(400 * milli));
        assertEquals(100 * milli, Pipeline.parkSlice(TimeUnit.HOURS.toNanos(1)));
    }

    /**
     * 49 threads wait for one reader for 3 s; in the last 2 s (JFR's park events) they parked
     * 933 times (measured), where sleeps of 10 ms for good made 9,801.
     */
    @Test
    void waitersThatDoNotReadSleepLessOftenAsTheWaitGoesOn(@TempDir Path dir) throws Exception {
        SlowServer server = new SlowServer();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        List<CompletableFuture<Object>> calls = new ArrayList<>();
        for (int i = 0; i < WAITERS; i++) {
            calls.add(call(pipeline, "k" + i));
        }
        Waits.until(() -> server.sent.get() == WAITERS, "every call sent");
        Thread.sleep(1_000);
        Path file = dir.resolve("parks.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdk.ThreadPark").withThreshold(Duration.ZERO);
            recording.start();
            Thread.sleep(2_000);
            recording.stop();
            recording.dump(file);
        }
        long parks = RecordingFile.readAllEvents(file).stream().filter(PipelineLongWaitTest::parkedInPipeline).count();
        assertTrue(parks < 3_000, parks + " parks of " + (WAITERS - 1) + " waiting threads in 2 s");
        server.allowed.set(Integer.MAX_VALUE);
        for (int i = 0; i < WAITERS; i++) {
            assertEquals("k" + i, calls.get(i).get(10, TimeUnit.SECONDS));
        }
    }

    private static boolean parkedInPipeline(RecordedEvent event) {
        RecordedClass parkedClass = event.getValue("parkedClass");
        return parkedClass != null && parkedClass.getName().equals(Pipeline.class.getName());
    }

    /**
     * The first caller gives up (its timeout) while its request is still first on the wire; the
     * next caller, asleep for long by then (100 ms sleeps), must become the reader at once, not
     * after its sleep. Three rounds: sleeping on would make at least one answer 40 ms late
     * with a chance of 94 %.
     */
    @Test
    void aCallerGivingUpWakesTheNextWaiterToRead() throws Exception {
        for (int round = 0; round < 3; round++) {
            SlowServer server = new SlowServer();
            Pipeline pipeline = new Pipeline(server, TimeUnit.MILLISECONDS.toNanos(1_200), reason -> { });
            CompletableFuture<Object> first = call(pipeline, "first");
            Waits.until(() -> server.sent.get() == 1, "the first call sent");
            Thread.sleep(300);
            CompletableFuture<Object> second = call(pipeline, "second");
            Waits.until(() -> server.sent.get() == 2, "the second call sent");
            CompletableFuture<Long> answeredAt = second.thenApply(value -> System.nanoTime());
            long gaveUpAt = first.handle((value, failure) -> System.nanoTime()).get(10, TimeUnit.SECONDS);
            assertTrue(first.isCompletedExceptionally(), "the first call timed out");
            server.allowed.set(Integer.MAX_VALUE);
            long late = answeredAt.get(10, TimeUnit.SECONDS) - gaveUpAt;
            assertEquals("second", second.get());
            assertTrue(late < TimeUnit.MILLISECONDS.toNanos(40),
                    "round " + round + ": answered " + TimeUnit.NANOSECONDS.toMillis(late) + " ms after the first caller left");
        }
    }

    private static CompletableFuture<Object> call(Pipeline pipeline, String value) {
        CompletableFuture<Object> result = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                result.complete(pipeline.call("get", value, RESPONSE_ID, LENGTH, buffer -> LENGTH,
                        (response, length) -> value));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }
}
