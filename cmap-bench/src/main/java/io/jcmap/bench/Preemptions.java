package io.jcmap.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The calling thread's involuntary context switches so far, from
 * {@code /proc/thread-self/status} ({@code nonvoluntary_ctxt_switches}; the C baseline reads the
 * same line).
 *
 * <p>Why the tracking rows report it: a synchronous setter that corosync ({@code SCHED_RR})
 * preempts once per set shares its vCPU with corosync, which then answers without a wake-up on
 * another vCPU: the fast placement of those rows on a small machine, whichever the client
 * (benchmarks.md, "Where targets are missed").
 */
final class Preemptions {
    private static final Path STATUS = Path.of("/proc/thread-self/status");
    private static final String FIELD = "nonvoluntary_ctxt_switches:";

    private Preemptions() {
    }

    /** This thread's count so far; empty where the kernel does not show it. */
    static OptionalLong ofThisThread() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(FIELD)) {
                    return OptionalLong.of(Long.parseLong(line.substring(FIELD.length()).trim()));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }
}
