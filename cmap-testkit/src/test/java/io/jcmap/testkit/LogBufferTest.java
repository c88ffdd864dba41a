package io.jcmap.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class LogBufferTest {

    private final LogBuffer log = new LogBuffer();

    @Test
    void readyWhenTheLineArrivesLater() throws Exception {
        int mark = log.banner("start");
        CountDownLatch waiting = new CountDownLatch(1);
        Thread writer = Thread.ofPlatform().start(() -> {
            try {
                waiting.await();
            } catch (InterruptedException e) {
                return;
            }
            log.appendLine("notice [MAIN ] Completed service synchronization, ready to provide service.");
        });
        waiting.countDown();

        LogBuffer.Readiness readiness = log.await(mark, "ready to provide service", deadlineIn(Duration.ofSeconds(10)),
                () -> true);

        writer.join();
        assertEquals(LogBuffer.Readiness.READY, readiness);
    }

    @Test
    void onlyLinesAfterTheMarkCount() throws Exception {
        log.appendLine("ready to provide service");
        int mark = log.banner("restart");

        assertEquals(LogBuffer.Readiness.EXITED, log.await(mark, "ready to provide service",
                deadlineIn(Duration.ofSeconds(10)), () -> false));
    }

    @Test
    void timesOutWhileTheProcessLivesSilently() throws Exception {
        long start = System.nanoTime();

        LogBuffer.Readiness readiness = log.await(0, "ready", deadlineIn(Duration.ofMillis(200)), () -> true);

        assertEquals(LogBuffer.Readiness.TIMED_OUT, readiness);
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(200).toNanos());
    }

    @Test
    void tailKeepsTheLastLines() {
        for (int i = 1; i <= 5; i++) {
            log.appendLine("line " + i);
        }

        assertEquals("line 4\nline 5", log.tail(2));
        assertEquals(5, log.lineCount());
    }

    private static long deadlineIn(Duration duration) {
        return System.nanoTime() + duration.toNanos();
    }
}
