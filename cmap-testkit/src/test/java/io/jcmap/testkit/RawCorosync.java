package io.jcmap.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A corosync started behind the testkit's back (no instance lock), like a system corosync that
 * already owns {@code cmap}: the situation the one-instance rule must detect.
 */
final class RawCorosync implements AutoCloseable {

    private final Process process;
    private final Path dir;
    private final StringBuffer output = new StringBuffer();

    private RawCorosync(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
    }

    static RawCorosync start() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("jcmap-raw-corosync-");
        Path conf = dir.resolve("corosync.conf");
        Files.writeString(conf, CorosyncConfig.builder().clusterName("raw").build().render(dir));
        Files.writeString(dir.resolve("corosync.pid"), "");
        // Same private-mount trick as LocalCorosync so that /var/run/corosync.pid cannot clash; the file
        // is made first, as any corosync that exits deletes it.
        Process process = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "--", "sh", "-c",
                ": >> /var/run/corosync.pid && mount --bind \"$1\" /var/run/corosync.pid "
                        + "&& exec /usr/sbin/corosync -f -c \"$2\"", "raw",
                dir.resolve("corosync.pid").toString(), conf.toString())
                .redirectErrorStream(true)
                .start();
        StartedPids.record(process.pid());
        RawCorosync raw = new RawCorosync(process, dir);
        CountDownLatch ready = new CountDownLatch(1);
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    raw.output.append(line).append('\n');
                    if (line.contains(LocalCorosync.READY_MESSAGE)) {
                        ready.countDown();
                    }
                }
            } catch (IOException e) {
                raw.output.append(e).append('\n');
            }
        });
        if (!ready.await(30, TimeUnit.SECONDS)) {
            raw.close();
            throw new IllegalStateException("raw corosync not ready:\n" + raw.output);
        }
        return raw;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        ShmFiles.deleteOwnedBy(process.pid());
        FileTrees.delete(dir);
    }
}
