package io.jcmap.client.reliability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The kernel's limits on socket buffers set to a stock kernel's for as long as this is open:
 * net.core.wmem_max and rmem_max of 212,992 bytes, which cap what libqb asks for its sockets.
 * Our test machine raises them to 4 MiB, under which corosync had room for every answer jcmap
 * let pile up; on a stock kernel it had not (2026-12-07). The limits are the whole machine's,
 * so a test holds them only around its own connects; closing puts back what was there.
 */
final class StockSocketBuffers implements AutoCloseable {
    static final String STOCK_LIMIT = "212992";
    private static final Path WMEM_MAX = Path.of("/proc/sys/net/core/wmem_max");
    private static final Path RMEM_MAX = Path.of("/proc/sys/net/core/rmem_max");

    private final String wmemMax;
    private final String rmemMax;

    private StockSocketBuffers(String wmemMax, String rmemMax) {
        this.wmemMax = wmemMax;
        this.rmemMax = rmemMax;
    }

    /**
     * Sets the stock limits; fails rather than run the test on other ones. Needs root in the
     * initial network namespace.
     */
    static StockSocketBuffers set() {
        StockSocketBuffers previous = new StockSocketBuffers(read(WMEM_MAX), read(RMEM_MAX));
        write(WMEM_MAX, STOCK_LIMIT);
        try {
            write(RMEM_MAX, STOCK_LIMIT);
        } catch (RuntimeException e) {
            write(WMEM_MAX, previous.wmemMax); // the machine's limits, not left half set
            throw e;
        }
        return previous;
    }

    @Override
    public void close() {
        write(WMEM_MAX, wmemMax);
        write(RMEM_MAX, rmemMax);
    }

    private static String read(Path limit) {
        // a sysctl file answers its first read only: that read takes a whole buffer (Files.readString got "4")
        try (BufferedReader reader = Files.newBufferedReader(limit)) {
            return reader.readLine().strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + limit, e);
        }
    }

    private static void write(Path limit, String value) {
        try {
            Files.writeString(limit, value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set " + limit + " to " + value + whyNot(e), e);
        }
    }

    /**
     * Root is not enough: outside the initial network namespace (unshare --net, a container)
     * the kernel shows these sysctls read-only even to root, since they are the whole machine's,
     * and a write fails with EACCES. Init's namespace may not be readable to compare with.
     */
    private static String whyNot(IOException failure) {
        if (!root()) {
            return " (the test needs root)";
        }
        String ours = namespace(Path.of("/proc/self/ns/net"));
        String init = namespace(Path.of("/proc/1/ns/net"));
        if (ours.equals(init) || !(failure instanceof AccessDeniedException)) {
            return "";
        }
        return " (denied to root: net.core sysctls are read-only outside the initial network namespace, and this "
                + "process is in " + ours + ", init in " + init + ": the test must run in the initial one)";
    }

    private static boolean root() {
        try (var lines = Files.lines(Path.of("/proc/self/status"))) {
            // Uid: real, effective, saved, filesystem
            return lines.filter(line -> line.startsWith("Uid:")).findFirst()
                    .map(line -> line.split("\\s+")[2].equals("0")).orElse(false);
        } catch (IOException e) {
            return false;
        }
    }

    private static String namespace(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            return "one not readable here"; // init's, unless we may trace it
        }
    }
}
