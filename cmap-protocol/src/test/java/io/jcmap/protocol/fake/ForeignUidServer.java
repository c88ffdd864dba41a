package io.jcmap.protocol.fake;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.jcmap.protocol.os.UnixSocket;

/**
 * A fake server in a process of its own, started through {@code setpriv} as another user, so
 * that the kernel itself (not a credentials claim) reports a foreign uid to the client. It serves
 * one well-formed handshake answer to each connection, prints "ready" once it listens, and ends
 * when its standard input closes or after 30 s.
 */
public final class ForeignUidServer {
    private ForeignUidServer() {
    }

    public static void main(String[] args) throws Exception {
        try (FakeServer server = FakeServer.start(args[0],
                session -> session.send(HandshakeAnswer.shm(FakeServer.MAX_MESSAGE_SIZE, "/dev/shm/none/a",
                        "/dev/shm/none/b", "/dev/shm/none/c").bytes()))) {
            System.out.println("ready");
            System.out.flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.in.read() >= 0 && System.nanoTime() < deadline) {
                // nothing: the parent closes our standard input when done
            }
        }
    }

    /** Starts it as {@code uid}:{@code uid} on abstract name {@code name} and waits for "ready". */
    public static Process start(int uid, String name) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = String.join(":", location(ForeignUidServer.class), location(UnixSocket.class));
        Process process = new ProcessBuilder(List.of("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups",
                java, "-XX:-UsePerfData", "-Xmx32m", "-Xshare:auto", "--enable-native-access=ALL-UNNAMED",
                "-cp", classPath, ForeignUidServer.class.getName(), name))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] ready = process.getInputStream().readNBytes("ready".length());
        if (!"ready".equals(new String(ready, StandardCharsets.US_ASCII))) {
            process.destroyForcibly();
            throw new IOException("helper as uid " + uid + " did not start: exit " + waitFor(process));
        }
        return process;
    }

    private static int waitFor(Process process) {
        try {
            return process.waitFor(Duration.ofSeconds(5).toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
