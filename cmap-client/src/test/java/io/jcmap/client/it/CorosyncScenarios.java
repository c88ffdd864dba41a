package io.jcmap.client.it;

import io.jcmap.client.Cmap;
import io.jcmap.client.CmapHandle;
import io.jcmap.client.CmapMap;
import io.jcmap.client.CmapOptions;
import io.jcmap.testkit.Corosync;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInfo;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every client scenario class shares. Concrete subclasses (one per IPC type) register the
 * {@link io.jcmap.testkit.CorosyncExtension}; each test gets an open handle on the default map,
 * a key prefix nobody else uses, and threads and handles that are cleaned up after it.
 */
@Tag("integration")
abstract class CorosyncScenarios {
    /** Long enough for anything that should happen at once on a loaded machine. */
    static final java.time.Duration TIMEOUT = java.time.Duration.ofSeconds(20);
    /** How long a call that must stay blocked is watched. */
    static final java.time.Duration STAYS_BLOCKED = java.time.Duration.ofMillis(300);
    private static final int MAX_METHOD_NAME = 60;
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    protected Corosync corosync;
    protected CmapHandle cmap;
    private final List<CmapHandle> opened = new ArrayList<>();
    private final List<ExecutorService> executors = new ArrayList<>();
    private String keyBase;

    @BeforeEach
    final void openDefaultHandle(Corosync instance, TestInfo info) {
        corosync = instance;
        String method = info.getTestMethod().map(Method::getName).orElse("test");
        keyBase = "it." + method.substring(0, Math.min(method.length(), MAX_METHOD_NAME)) + "."
                + SEQUENCE.incrementAndGet();
        cmap = open();
    }

    @AfterEach
    final void closeEverything() throws InterruptedException {
        synchronized (opened) {
            opened.forEach(CmapHandle::close);
        }
        for (ExecutorService executor : executors) {
            executor.shutdownNow();
            if (!executor.awaitTermination(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("a test thread did not end after its handles were closed");
            }
        }
    }

    /** A new handle on the default map, closed after the test. */
    protected CmapHandle open() {
        return open(CmapMap.ICMAP);
    }

    /** A new handle on {@code map}, closed after the test. */
    protected CmapHandle open(CmapMap map) {
        return remember(Cmap.initialize(map, options().build()));
    }

    /** Options reaching this corosync ({@link CorosyncEndpoint}). */
    protected CmapOptions.Builder options() {
        return CorosyncEndpoint.options(corosync);
    }

    private CmapHandle remember(CmapHandle handle) {
        synchronized (opened) {
            opened.add(handle);
        }
        return handle;
    }

    /** A platform thread pool stopped after the test. */
    protected ExecutorService threads(int count) {
        ExecutorService executor = Executors.newFixedThreadPool(count, runnable -> {
            Thread thread = new Thread(runnable, "it-" + keyBase);
            thread.setDaemon(true);
            return thread;
        });
        executors.add(executor);
        return executor;
    }

    /** Runs {@code task} on two threads at once and waits until both have returned. */
    protected void onTwoThreadsAtOnce(Callable<Void> task) {
        ExecutorService two = threads(2);
        Future<Void> first = two.submit(task);
        Future<Void> second = two.submit(task);
        Expect.done(first);
        Expect.done(second);
    }

    /** A key name unique to this test: {@code it.<method>.<n>.<suffix>}. */
    protected String key(String suffix) {
        return keyBase + "." + suffix;
    }

    /** The prefix all {@link #key} names share, with its trailing dot. */
    protected String keyPrefix() {
        return keyBase + ".";
    }
}
