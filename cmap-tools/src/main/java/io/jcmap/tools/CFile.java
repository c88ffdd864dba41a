package io.jcmap.tools;

import io.jcmap.client.CmapException;
import io.jcmap.client.CmapText;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * A file opened as C's {@code fopen} opens it: by the bytes of its name, through libc. A name
 * from the command line may hold bytes that are not UTF-8 ({@link RawArguments}), and such a
 * name has no {@link java.nio.file.Path} under a UTF-8 or ASCII locale; libc also gives the
 * errors the C tool prints, as strerror's text.
 */
final class CFile extends InputStream {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(StructLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final MethodHandle OPEN = LINKER.downcallHandle(symbol("open"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle READ = LINKER.downcallHandle(symbol("read"),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
            CAPTURE_ERRNO);
    private static final MethodHandle CLOSE = LINKER.downcallHandle(symbol("close"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    /** glibc's untranslated text (2.32+): the JVM called setlocale(LC_ALL, ""), the C tool does not. */
    private static final MethodHandle STRERROR = LINKER.downcallHandle(symbol("strerrordesc_np"),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    /** Linux's O_RDONLY | O_CLOEXEC, the same on x86_64 and aarch64. */
    private static final int READ_ONLY = 0x80000;
    /** open's variadic mode, unused without O_CREAT. */
    private static final int NO_MODE = 0;
    private static final int EINTR = 4;
    private static final int EILSEQ = 84;
    /** glibc's stdio reads a file in blocks of st_blksize, 4096 for most files. */
    private static final int BLOCK = 4096;
    private static final int BYTE_MASK = 0xFF;
    /** Long enough for any strerror text. */
    private static final long MESSAGE_LIMIT = 1024;

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment errno = arena.allocate(CAPTURE);
    private final MemorySegment block = arena.allocate(BLOCK);
    private final int fd;
    private int position;
    private int limit;

    private CFile(byte[] path) throws IOException {
        MemorySegment cPath = arena.allocate(path.length + 1L);
        cPath.copyFrom(MemorySegment.ofArray(path));
        int opened;
        do {
            opened = (int) invoke(OPEN, errno, cPath, READ_ONLY, NO_MODE);
        } while (opened < 0 && errno() == EINTR);
        if (opened < 0) {
            int error = errno();
            arena.close();
            throw new IOException(strerror(error));
        }
        fd = opened;
    }

    /**
     * Opens a file for reading by the bytes of {@code name} ({@link CmapText#encode(String)}).
     * A directory opens, as with fopen, and its first read fails.
     *
     * @param name the name as the command line gave it
     * @return the file's content as a stream, to be closed
     * @throws IOException when open(2) fails; its message is strerror's text (EILSEQ's for a
     *                     name with a surrogate that stands for no byte, which only an embedding
     *                     caller can pass)
     */
    static InputStream open(String name) throws IOException {
        byte[] path;
        try {
            path = CmapText.encode(name);
        } catch (CmapException e) {
            throw new IOException(strerror(EILSEQ), e);
        }
        // encoded first: a name that has no bytes must not leave the arena behind
        return new CFile(path);
    }

    @Override
    public int read() throws IOException {
        return fill() ? block.get(ValueLayout.JAVA_BYTE, position++) & BYTE_MASK : -1;
    }

    @Override
    public int read(byte[] dst, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, dst.length);
        if (length == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int count = Math.min(length, limit - position);
        MemorySegment.copy(block, ValueLayout.JAVA_BYTE, position, dst, offset, count);
        position += count;
        return count;
    }

    /** Reads the next block when the last is used up, as stdio does; false at the end. */
    private boolean fill() throws IOException {
        if (position < limit) {
            return true;
        }
        long count;
        do {
            count = (long) invoke(READ, errno, fd, block, (long) BLOCK);
        } while (count < 0 && errno() == EINTR);
        if (count < 0) {
            throw new IOException(strerror(errno()));
        }
        position = 0;
        limit = (int) count;
        return count > 0;
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            invoke(CLOSE, fd);
            arena.close();
        }
    }

    private static MemorySegment symbol(String name) {
        return LINKER.defaultLookup().find(name).orElseThrow(() -> new IllegalStateException("libc has no " + name));
    }

    private int errno() {
        return (int) ERRNO.get(errno, 0L);
    }

    /** glibc's text for an errno, as perror prints it. */
    private static String strerror(int error) {
        MemorySegment text = (MemorySegment) invoke(STRERROR, error);
        if (text.equals(MemorySegment.NULL)) {
            return "Unknown error " + error;
        }
        return text.reinterpret(MESSAGE_LIMIT).getString(0);
    }

    private static Object invoke(MethodHandle handle, Object... args) {
        try {
            return handle.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("libc call failed", e);
        }
    }
}
