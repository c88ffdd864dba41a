package io.jcmap.client;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link CmapHandle} the application holds: a front over the {@link ConnectedHandle} that
 * does the work, which a {@link Cleaner} closes once the application dropped this without
 * closing it (decision 0036). The connection's threads, its breakdown callback and the cleaning
 * action refer to the connected handle only, never to this: once the application lets go of it,
 * nothing else keeps it.
 *
 * <p>Each method ends with a reachability fence on this: a call still running keeps its handle
 * (a JIT may otherwise let go of {@code this} once it has read {@link #connected}, and a
 * collection meanwhile would close the connection under the call). The fence compiles to
 * nothing; the one cost of a call is the load of {@link #connected}.
 */
final class ApplicationHandle implements CmapHandle {
    private final ConnectedHandle connected;
    private final Cleaner.Cleanable cleanable;
    /** Here, not in the connected handle: an application's object that refers to its handle must not keep it. */
    private volatile Object context;

    private ApplicationHandle(ConnectedHandle connected) {
        this.connected = connected;
        connected.frontedBy(this);
        this.cleanable = Cleaning.CLEANER.register(this, new CloseDropped(connected));
    }

    /** The application's handle over {@code connected}. */
    static CmapHandle of(ConnectedHandle connected) {
        return new ApplicationHandle(connected);
    }

    /** The cleaning action: refers to the connected handle only, or this would never be unreachable. */
    private record CloseDropped(ConnectedHandle connected) implements Runnable {
        @Override
        public void run() {
            connected.closeDropped();
        }
    }

    /** One thread for the JVM, made with the first handle: a close may wait for corosync (up to a second). */
    private static final class Cleaning {
        static final Cleaner CLEANER = Cleaner.create(Thread.ofPlatform().daemon().name("jcmap-cleaner").factory());
    }

    /** The future of an asynchronous request keeps this until answered (the pipeline holds it until then). */
    private <T> CompletableFuture<T> kept(CompletableFuture<T> future) {
        return ResponseFuture.keepingUntilDone(future, this);
    }

    @Override
    public CmapMap map() {
        return connected.map();
    }

    @Override
    public void set(String key, CmapValue value) {
        try {
            connected.set(key, value);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public void setString(String key, String value) {
        try {
            connected.setString(key, value);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public void setInt8(String key, byte value) {
        try {
            connected.setInt8(key, value);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public void setUint8(String key, int value) {
        try {
            connected.setUint8(key, value);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public void setInt16(String key, short value) {
        try {
            connected.setInt16(key, value);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public void setUint16(String key, int value) {
        try {
            connected.setUint16(key, value);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public void setInt32(String key, int value) {
        try {
            connected.setInt32(key, value);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public void setUint32(String key, long value) {
        try {
            connected.setUint32(key, value);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public void setInt64(String key, long value) {
        try {
            connected.setInt64(key, value);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public void setUint64(String key, long bits) {
        try {
            connected.setUint64(key, bits);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public void setFloat(String key, float value) {
        try {
            connected.setFloat(key, value);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public void setDouble(String key, double value) {
        try {
            connected.setDouble(key, value);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public CmapValue get(String key) {
        try {
            return connected.get(key);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public byte getInt8(String key) {
        try {
            return connected.getInt8(key);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public int getUint8(String key) {
        try {
            return connected.getUint8(key);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public short getInt16(String key) {
        try {
            return connected.getInt16(key);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public int getUint16(String key) {
        try {
            return connected.getUint16(key);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public int getInt32(String key) {
        try {
            return connected.getInt32(key);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public long getUint32(String key) {
        try {
            return connected.getUint32(key);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public long getInt64(String key) {
        try {
            return connected.getInt64(key);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public long getUint64(String key) {
        try {
            return connected.getUint64(key);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public float getFloat(String key) {
        try {
            return connected.getFloat(key);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public double getDouble(String key) {
        try {
            return connected.getDouble(key);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public String getString(String key) {
        try {
            return connected.getString(key);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public byte[] getBinary(String key) {
        try {
            return connected.getBinary(key);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public void delete(String key) {
        try {
            connected.delete(key);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public void inc(String key) {
        try {
            connected.inc(key);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public void dec(String key) {
        try {
            connected.dec(key);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public CmapIterator iterate(String prefix) {
        try {
            return connected.iterate(prefix, this);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public long trackAdd(String key, Set<TrackEvent> events, CmapListener listener) {
        try {
            return connected.trackAdd(key, events, listener);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public void trackDelete(long trackHandle) {
        try {
            connected.trackDelete(trackHandle);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public int dispatch(DispatchType type) {
        try {
            return connected.dispatch(type);
        } finally {
            Reference.reachabilityFence(this); // a thread dispatching keeps its handle, and its trackings
        }
    }

    @Override
    public int fd() {
        return connected.fd();
    }

    @Override
    public Object context() {
        connected.checkOpen("context_get", null);
        return context;
    }

    @Override
    public void setContext(Object context) {
        connected.checkOpen("context_set", null);
        this.context = context;
    }

    @Override
    public CompletableFuture<CmapValue> getAsync(String key) {
        try {
            return kept(connected.getAsync(key));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public CompletableFuture<Void> setAsync(String key, CmapValue value) {
        try {
            return kept(connected.setAsync(key, value));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public CompletableFuture<Void> deleteAsync(String key) {
        try {
            return kept(connected.deleteAsync(key));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public CompletableFuture<Void> incAsync(String key) {
        try {
            return kept(connected.incAsync(key));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public CompletableFuture<Void> decAsync(String key) {
        try {
            return kept(connected.decAsync(key));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public CmapBatch batch() {
        return connected.batch(this);
    }

    @Override
    public boolean isOpen() {
        return connected.isOpen();
    }

    @Override
    public void close() {
        try {
            connected.close();
        } finally {
            cleanable.clean(); // no longer watched: the action finds the handle closed, and does nothing
        }
    }

    @Override
    public String toString() {
        return connected.toString();
    }
}
