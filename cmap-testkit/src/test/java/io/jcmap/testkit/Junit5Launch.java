package io.jcmap.testkit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.PrintWriter;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The main class of {@link CorosyncExtensionOnJunit5IT}'s child JVM: runs the test classes named
 * by its arguments on whichever JUnit its class path holds, prints that JUnit's version, the
 * summary and the failures, and exits with 0 only if tests ran and none failed.
 */
final class Junit5Launch {
    private static final int FAILURE_STACK_LINES = 40;

    private Junit5Launch() {
    }

    public static void main(String[] args) {
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
        for (String testClass : args) {
            request.selectors(selectClass(testClass));
        }
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(request.build(), listener);
        TestExecutionSummary summary = listener.getSummary();
        PrintWriter out = new PrintWriter(System.out, true);
        out.println("junit-jupiter-api " + ExtensionContext.class.getPackage().getImplementationVersion());
        summary.printTo(out);
        summary.printFailuresTo(out, FAILURE_STACK_LINES);
        out.flush();
        System.exit(summary.getTestsFoundCount() > 0 && summary.getTotalFailureCount() == 0 ? 0 : 1);
    }
}
