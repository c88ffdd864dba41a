package io.jcmap.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The CPU time corosync has used so far, summed over its threads from
 * {@code /proc/PID/task/TID/schedstat} (its first field: nanoseconds on a CPU). bench/compare
 * names the process in {@code JCMAP_BENCH_SERVER_PID}; without it there is no figure.
 *
 * <p>It shows where the pipelined rows end: corosync serves a connection on one thread, so at
 * the CPU time per request it spends under a client's traffic it serves that client at most one
 * CPU's worth. What it spends depends on the client: less per request when it finds more of them
 * queued (the C reference of the baseline).
 */
final class ServerCpu {
    static final String PID_VARIABLE = "JCMAP_BENCH_SERVER_PID";

    private final Path tasks;

    private ServerCpu(Path tasks) {
        this.tasks = tasks;
    }

    /** The server named by the environment, if any and if it is there. */
    static Optional<ServerCpu> fromEnvironment() {
        String pid = System.getenv(PID_VARIABLE);
        if (pid == null || !pid.matches("[0-9]+")) {
            return Optional.empty();
        }
        Path tasks = Path.of("/proc", pid, "task");
        return Files.isDirectory(tasks) ? Optional.of(new ServerCpu(tasks)) : Optional.empty();
    }

    /** Nanoseconds on a CPU so far of the server the environment names; empty without one. */
    static OptionalLong nanosOfNamedServer() {
        return fromEnvironment().map(ServerCpu::nanos).orElse(OptionalLong.empty());
    }

    /**
     * How much a count read twice grew in between (this CPU time, or {@link Preemptions}); empty
     * unless both readings were taken.
     */
    static OptionalLong growth(OptionalLong before, OptionalLong after) {
        return before.isPresent() && after.isPresent()
                ? OptionalLong.of(after.getAsLong() - before.getAsLong()) : OptionalLong.empty();
    }

    /** Nanoseconds on a CPU so far, all threads; empty if the process is gone. */
    OptionalLong nanos() {
        long total = 0;
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
            for (Path thread : threads) {
                total += firstField(thread.resolve("schedstat"));
            }
        } catch (IOException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(total);
    }

    private static long firstField(Path schedstat) {
        try {
            String line = Files.readString(schedstat).trim();
            int space = line.indexOf(' ');
            return Long.parseLong(space < 0 ? line : line.substring(0, space));
        } catch (IOException | NumberFormatException e) {
            return 0; // a thread that ended meanwhile
        }
    }
}
