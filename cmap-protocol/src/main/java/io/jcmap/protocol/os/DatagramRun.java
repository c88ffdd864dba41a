package io.jcmap.protocol.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Datagrams that go out together, in order, with one {@code sendmmsg}: a {@code struct mmsghdr}
 * per datagram, each with one iovec pointing at the caller's bytes. A system call's fixed cost is
 * high on a virtual machine: on the bench host an empty one took 1.1 microseconds, a datagram
 * sent and received 4.0, and 0.95 each when 32 went with one call each way.
 *
 * <p>The run keeps a reference to each datagram's segment until it is sent or cleared: the
 * kernel reads the bytes only then, and memory of an automatic arena must not be freed before.
 * Its native memory is allocated by the first {@link #add}. For one thread at a time.
 */
public final class DatagramRun {
    private final MemorySegment[] datagrams;
    private MemorySegment headers = MemorySegment.NULL;
    private MemorySegment vectors = MemorySegment.NULL;
    private int size;

    /** A run of up to {@code capacity} datagrams. */
    public DatagramRun(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity " + capacity);
        }
        this.datagrams = new MemorySegment[capacity];
    }

    /** Datagrams added and not yet sent. */
    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /**
     * Adds the first {@code length} bytes of {@code bytes} as the next datagram.
     *
     * @return false, and nothing added, when the run is full
     */
    public boolean add(MemorySegment bytes, long length) {
        if (size == datagrams.length) {
            return false;
        }
        if (headers == MemorySegment.NULL) {
            allocate();
        }
        long vector = (long) size * MsghdrDescriptor.IOV_LENGTH;
        vectors.set(ADDRESS, vector + MsghdrDescriptor.IOV_BASE_OFFSET, bytes);
        vectors.set(JAVA_LONG, vector + MsghdrDescriptor.IOV_LEN_OFFSET, length);
        datagrams[size++] = bytes;
        return true;
    }

    /**
     * Sends the run on {@code socket}, as far as its send buffer takes it; the run is empty
     * afterwards, whatever happened.
     *
     * @return how many datagrams went: the first ones, all of them unless the buffer filled up
     * @throws io.jcmap.protocol.ErrnoException when the socket fails
     */
    public int sendOn(UnixSocket socket) {
        try {
            int sent = 0;
            while (sent < size) {
                int more = socket.sendMany(this, sent, size - sent);
                if (more == 0) {
                    break;
                }
                sent += more;
            }
            return sent;
        } finally {
            clear();
        }
    }

    /** Forgets the datagrams added, sent or not. */
    public void clear() {
        Arrays.fill(datagrams, 0, size, null);
        size = 0;
    }

    /** The headers of the datagrams from {@code from} on, for {@code sendmmsg}. */
    MemorySegment headersFrom(int from) {
        return headers.asSlice((long) from * MsghdrDescriptor.MMSG_LENGTH);
    }

    /** Zeroed headers, each pointing at its own iovec: no name, no control data, no flags. */
    private void allocate() {
        int capacity = datagrams.length;
        headers = Arena.ofAuto().allocate((long) capacity * MsghdrDescriptor.MMSG_LENGTH, Long.BYTES);
        vectors = Arena.ofAuto().allocate((long) capacity * MsghdrDescriptor.IOV_LENGTH, Long.BYTES);
        for (int i = 0; i < capacity; i++) {
            long header = (long) i * MsghdrDescriptor.MMSG_LENGTH + MsghdrDescriptor.MMSG_HDR_OFFSET;
            headers.set(ADDRESS, header + MsghdrDescriptor.IOV_OFFSET,
                    vectors.asSlice((long) i * MsghdrDescriptor.IOV_LENGTH, MsghdrDescriptor.IOV_LENGTH));
            headers.set(JAVA_LONG, header + MsghdrDescriptor.IOVLEN_OFFSET, 1);
        }
    }
}
