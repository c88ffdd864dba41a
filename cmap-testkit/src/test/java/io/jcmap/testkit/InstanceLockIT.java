package io.jcmap.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The one-instance rule across JVMs: a second JVM holds the namespace's lock file. */
@Tag("integration")
class InstanceLockIT {

    static final String LOCKED = "LOCKED";

    /** Child JVM: takes the lock, says so, holds it until stdin closes. */
    public static void main(String[] args) throws Exception {
        InstanceLock.Lease lease = InstanceLock.acquire("child JVM holder", Duration.ofSeconds(30));
        try {
            System.out.println(LOCKED);
            System.out.flush();
            System.in.readAllBytes();
        } finally {
            lease.close();
        }
    }

    @Test
    void anotherJvmHoldingTheLockMakesUsWaitAndTellsWhoHoldsIt() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                InstanceLockIT.class.getName()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertEquals(LOCKED, out.readLine());

            CorosyncTestkitException e = assertThrows(CorosyncTestkitException.class,
                    () -> InstanceLock.acquire("parent", Duration.ofMillis(300)).close());
            assertTrue(e.getMessage().contains("held by another JVM's corosync: child JVM holder (JVM pid "
                    + child.pid() + ")"), e.getMessage());
            assertTrue(e.getMessage().contains(InstanceLock.file().toString()), e.getMessage());

            child.getOutputStream().close();
            InstanceLock.Lease lease = InstanceLock.acquire("parent", Duration.ofSeconds(30));
            lease.close();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, child.exitValue());
        } finally {
            child.destroyForcibly();
        }
    }
}
