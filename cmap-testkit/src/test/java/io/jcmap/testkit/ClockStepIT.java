package io.jcmap.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;

/**
 * Every JVM computes {@code ProcessHandle.Info.startInstant()} as the btime of {@code /proc/stat},
 * read once when the JVM starts, plus the process's start in clock ticks since boot. btime is
 * CLOCK_REALTIME minus CLOCK_BOOTTIME: a step of the wall clock (NTP/chrony makestep, a VM resumed,
 * date -s, a leap second) between the start of two JVMs gives them different btimes, so they
 * compute different start instants for the same live process. These tests give a second JVM a
 * /proc/stat whose btime is one second later (a private mount namespace, as a clock step of
 * a second would) and check that it does not take a live JVM for ended. Needs root (mount).
 */
@Tag("integration")
@ExtendWith(LeakCheckExtension.class)
class ClockStepIT {

    /**
     * Child JVM. {@code owner}: prints its {@link OwnerJvm} and waits; {@code ended LINE}: prints
     * whether LINE's JVM ended; {@code remove-containers}: takes the instance lock and removes
     * leftover containers, as a container start does.
     */
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "owner" -> {
                System.out.println(OwnerJvm.current().format());
                System.out.flush();
                System.in.readAllBytes();
            }
            case "ended" -> System.out.println(OwnerJvm.parse(args[1]).map(OwnerJvm::hasEnded).orElseThrow());
            case "remove-containers" -> {
                try (InstanceLock.Lease lease = InstanceLock.acquire("ClockStepIT", Duration.ofSeconds(10))) {
                    Leftovers.removeBefore(Backend.CONTAINER);
                }
                System.out.println("done");
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aLiveJvmIsNotTakenForEndedByAJvmThatSawTheClockStep(@TempDir Path dir) throws Exception {
        Process owner = java(List.of(), "owner");
        try {
            String line = firstLine(owner);
            assertEquals("false", firstLine(java(clockSteppedBy(dir, 1, false), "ended", line)),
                    "a JVM started after a clock step of 1 s judges the live JVM " + line);
            assertEquals("false", firstLine(java(clockSteppedBy(dir, 0, false), "ended", line)), "no clock step");
        } finally {
            owner.getOutputStream().close();
            assertTrue(owner.waitFor(30, TimeUnit.SECONDS));
        }
    }

    /**
     * A container start from another network namespace: the instance lock is that namespace's, so
     * only {@link OwnerJvm#hasEnded()} stands guard.
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aLiveJvmsContainerIsNotRemovedByAJvmThatSawTheClockStep(@TempDir Path dir) throws Exception {
        Process owner = java(List.of(), LeftoversIT.class, "container");
        try {
            String[] ready = firstLine(owner).split(" ");
            assertEquals(LeftoversIT.READY, ready[0]);
            String container = ready[2];

            assertEquals("done", firstLine(java(clockSteppedBy(dir, 1, true), "remove-containers")));

            assertEquals(1, DockerClientFactory.instance().client().listContainersCmd().withShowAll(true)
                    .withIdFilter(List.of(container)).exec().size(),
                    "the container " + container + " of the live JVM " + owner.pid() + " still exists");
        } finally {
            owner.getOutputStream().close();
            assertTrue(owner.waitFor(60, TimeUnit.SECONDS));
        }
    }

    /** unshare: a private mount namespace (and network namespace) whose /proc/stat has btime + seconds. */
    private static List<String> clockSteppedBy(Path dir, int seconds, boolean ownNetwork) throws IOException {
        String stat = Files.readAllLines(Path.of("/proc/stat")).stream()
                .map(l -> l.startsWith("btime ") ? "btime " + (Long.parseLong(l.substring(6).strip()) + seconds) : l)
                .collect(Collectors.joining("\n", "", "\n"));
        Path fake = Files.writeString(dir.resolve("stat"), stat);
        List<String> prefix = new ArrayList<>(List.of("/usr/bin/unshare", "--mount", "--propagation", "private"));
        if (ownNetwork) {
            prefix.add("--net");
        }
        prefix.addAll(List.of("--", "/bin/sh", "-c", "mount --bind \"$0\" /proc/stat && exec \"$@\"", fake.toString()));
        return prefix;
    }

    private static Process java(List<String> prefix, String... args) throws IOException {
        return java(prefix, ClockStepIT.class, args);
    }

    private static Process java(List<String> prefix, Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static String firstLine(Process process) throws IOException {
        String line = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        assertNotNull(line, "the child JVM " + process.pid() + " printed nothing");
        return line;
    }
}
