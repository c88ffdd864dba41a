package io.jcmap.bench;

import java.time.Duration;

/** Ends the JVM when a benchmark run overstays its time: a hang must fail, not stall the bench. */
final class Watchdog {
    static final int EXIT_CODE = 3;

    private Watchdog() {
    }

    static void start(Duration limit) {
        Thread.ofPlatform().daemon().name("bench-watchdog").start(() -> {
            try {
                Thread.sleep(limit);
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("bench: watchdog: run exceeded " + limit.toSeconds() + " s; halting");
            Thread.getAllStackTraces().forEach((thread, stack) -> {
                System.err.println("\"" + thread.getName() + "\"");
                for (StackTraceElement frame : stack) {
                    System.err.println("    at " + frame);
                }
            });
            Runtime.getRuntime().halt(EXIT_CODE);
        });
    }
}
