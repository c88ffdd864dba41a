package io.jcmap.bench;

import io.jcmap.client.Cmap;
import io.jcmap.client.CmapHandle;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

/**
 * Synchronous get and set of a UINT32 under JMH, run by bench/compare with {@code -prof gc} for
 * the bytes allocated per operation ({@code gc.alloc.rate.norm}). Needs a running corosync.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CmapOpsJmh {
    private CmapHandle handle;
    private long value;

    @Setup(Level.Trial)
    public void open() {
        handle = Cmap.initialize();
        handle.setUint32(BenchKeys.GET, 42);
        value = System.nanoTime() & 0xFFFF_FFFFL;
    }

    @TearDown(Level.Trial)
    public void close() {
        handle.close();
    }

    @Benchmark
    public long getUint32() {
        return handle.getUint32(BenchKeys.GET);
    }

    @Benchmark
    public void setUint32() {
        value = (value + 1) & 0xFFFF_FFFFL; // a new value each time: corosync skips unchanged ones
        handle.setUint32(BenchKeys.SET, value);
    }
}
