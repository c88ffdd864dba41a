package io.jcmap.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * Runs {@link ExtensionSamples} in a nested JUnit engine to see what the extension does with
 * failures. This class itself holds no corosync, so the samples can start theirs.
 */
@Tag("integration")
@ExtendWith(LeakCheckExtension.class)
class CorosyncExtensionFailureIT {

    @Test
    void attachesTheLocalLogToAFailedTest() {
        EngineExecutionResults results = run(ExtensionSamples.FailingTest.class);

        results.testEvents().assertStatistics(stats -> stats.started(2).succeeded(1).failed(1));
        Throwable failure = onlyFailure(results.testEvents().failed().list());
        assertEquals(ExtensionSamples.FAILURE_MESSAGE, failure.getMessage());
        assertLogAttached(failure, "fails()", "sample-failing", "local backend");
    }

    @Test
    void attachesTheContainerLogToAFailedTest() {
        EngineExecutionResults results = run(ExtensionSamples.FailingContainerTest.class);

        results.testEvents().assertStatistics(stats -> stats.started(1).failed(1));
        assertLogAttached(onlyFailure(results.testEvents().failed().list()), "fails()", "sample-container",
                "container backend");
    }

    @Test
    void attachesTheLogToAFailedLifecycleMethod() {
        EngineExecutionResults results = run(ExtensionSamples.FailingBeforeEach.class);

        results.testEvents().assertStatistics(stats -> stats.started(1).failed(1));
        assertLogAttached(onlyFailure(results.testEvents().failed().list()), "neverRuns()", "sample-before-each",
                "local backend");
    }

    @Test
    void worksWithExtendWithAndDefaults() {
        run(ExtensionSamples.DefaultsViaExtendWith.class)
                .testEvents().assertStatistics(stats -> stats.started(1).succeeded(1));
    }

    @Test
    void startsForConstructorInjectionOfPerClassInstancesAndStopsAfterwards() {
        run(ExtensionSamples.PerClassConstructorInjection.class)
                .testEvents().assertStatistics(stats -> stats.started(1).succeeded(1));
        assertTrue(!CmapOwnership.isOwned(), "closed after the class");
    }

    /**
     * A review (2026-12-07): each test of such a class made an extension of its own, the first
     * started a corosync nobody closed, and the second waited out the lock timeout for it.
     */
    @Test
    void anExtensionOnAnInstanceFieldFailsEachTestAtOnceAndStartsNothing() {
        EngineExecutionResults results = run(ExtensionSamples.InstanceFieldRegistration.class);

        results.testEvents().assertStatistics(stats -> stats.started(2).failed(2));
        for (Event failed : results.testEvents().failed().list()) {
            String messages = messages(failed.getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow());
            assertTrue(messages.contains("register it on a static field"), messages);
        }
        assertFalse(CmapOwnership.isOwned(), "no corosync left running after the class");
    }

    /** A review (2026-12-07): the nested class's start waited out the lock timeout for the enclosing instance. */
    @Test
    void aNestedClassWithAnExtensionOfItsOwnFailsAtOnce() {
        EngineExecutionResults results = run(ExtensionSamples.NestedWithItsOwnExtension.class);

        results.testEvents().assertStatistics(stats -> stats.started(1).succeeded(1));
        String messages = messages(onlyFailure(results.containerEvents().failed().list()));
        assertTrue(messages.contains("another CorosyncExtension runs corosync (cluster sample-outer)"), messages);
    }

    private static String messages(Throwable throwable) {
        StringBuilder text = new StringBuilder();
        for (Throwable cause = throwable; cause != null; cause = cause.getCause()) {
            text.append(cause).append('\n');
        }
        return text.toString();
    }

    @Test
    void rejectsAParameterOfTheOtherBackendsType() {
        Throwable failure = onlyFailure(run(ExtensionSamples.WrongParameterType.class).testEvents().failed().list());

        assertTrue(failure instanceof ParameterResolutionException, failure.toString());
        assertTrue(failure.getMessage().contains("wants a CorosyncContainer but the LOCAL backend runs a LocalCorosync"),
                failure.getMessage());
        // the test's declaration is wrong, not corosync: no log of it (it took some 190 lines)
        assertFalse(Arrays.stream(failure.getSuppressed()).anyMatch(CorosyncLogAttachment.class::isInstance),
                "corosync's log attached to a parameter that cannot be resolved");
    }

    @Test
    void failsTheClassWithTheLogWhenCorosyncCannotStart() {
        EngineExecutionResults results = run(ExtensionSamples.BrokenConfiguration.class);

        results.testEvents().assertStatistics(stats -> stats.started(0));
        Throwable failure = onlyFailure(results.containerEvents().failed().list());
        assertTrue(failure instanceof CorosyncTestkitException, failure.toString());
        assertTrue(failure.getMessage().contains("Invalid transport type"), failure.getMessage());
    }

    /**
     * Two classes run concurrently and share one extension (a static field of their base class):
     * the second waits in its beforeAll for the first instance to close, and that wait must not
     * block the first class's parameter resolution (it did until the lock timeout ran out).
     */
    @Test
    void classesSharingOneExtensionRunConcurrentlyWithoutWaitingOutTheLockTimeout() {
        long begin = System.nanoTime();
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(ExtensionSamples.SharedExtensionFirst.class),
                        selectClass(ExtensionSamples.SharedExtensionSecond.class))
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
                .configurationParameter("junit.jupiter.execution.parallel.mode.default", "same_thread")
                .configurationParameter("junit.jupiter.execution.parallel.mode.classes.default", "concurrent")
                .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
                .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", "2")
                .execute();
        java.time.Duration took = java.time.Duration.ofNanos(System.nanoTime() - begin);

        results.containerEvents().assertStatistics(stats -> stats.failed(0));
        results.testEvents().assertStatistics(stats -> stats.started(2).succeeded(2));
        assertTrue(took.compareTo(ExtensionSamples.SharedExtensionBase.LOCK_TIMEOUT) < 0, "took " + took);
    }

    private static EngineExecutionResults run(Class<?> sample) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(sample)).execute();
    }

    private static Throwable onlyFailure(List<Event> failed) {
        assertEquals(1, failed.size(), failed.toString());
        return failed.getFirst().getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
    }

    private static void assertLogAttached(Throwable failure, String test, String cluster, String backend) {
        List<CorosyncLogAttachment> attachments = Arrays.stream(failure.getSuppressed())
                .filter(CorosyncLogAttachment.class::isInstance).map(CorosyncLogAttachment.class::cast).toList();
        assertEquals(1, attachments.size(), Arrays.toString(failure.getSuppressed()));
        String log = attachments.getFirst().getMessage();
        assertTrue(log.contains("corosync log for failed " + test + " (cluster " + cluster + ", " + backend), log);
        assertTrue(log.contains("ready to provide service"), log);
        assertTrue(log.contains("end of corosync log"), log);
    }
}
