package io.jcmap.tools;

import io.jcmap.client.CmapException;
import io.jcmap.client.CmapText;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * A C stdio stream as glibc buffers it, so that standard output and standard error interleave as
 * the C tool's do when both go to one place: standard output is line buffered on a terminal and
 * fully buffered otherwise (written in whole 4096-byte blocks, the rest at exit), standard error
 * is unbuffered. Text is written as {@link #bytes(String)} encodes it.
 */
final class Output {

    /** glibc's stdio buffering modes. */
    enum Buffering {
        /** {@code _IONBF}: every write goes out at once (stderr). */
        NONE,
        /** {@code _IOLBF}: flushed after a write that contains a newline (stdout on a terminal). */
        LINE,
        /** {@code _IOFBF}: flushed in whole blocks (stdout to a pipe or file). */
        FULL
    }

    /** strerror(EPIPE). */
    private static final String BROKEN_PIPE = "Broken pipe";

    /** glibc sizes the buffer by st_blksize, 4096 for pipes and most files. */
    static final int BLOCK_SIZE = 4096;

    /** What a write to a pipe nobody reads does to the C tool: kill it, or fail with EPIPE. */
    enum BrokenPipe {
        /** SIGPIPE at its default: the process dies of it (status 141). */
        ENDS,
        /** SIGPIPE ignored by the caller (systemd services do): the write fails and the tool goes on. */
        FAILS
    }

    private final OutputStream sink;
    private final Buffering buffering;
    private final BrokenPipe brokenPipe;
    private final byte[] buffer = new byte[BLOCK_SIZE];
    private int used;

    Output(OutputStream sink, Buffering buffering) {
        this(sink, buffering, BrokenPipe.ENDS);
    }

    Output(OutputStream sink, Buffering buffering, BrokenPipe brokenPipe) {
        this.sink = sink;
        this.buffering = buffering;
        this.brokenPipe = brokenPipe;
    }

    /** Writes text as {@link #bytes(String)} encodes it. */
    void print(String text) {
        write(bytes(text));
    }

    /**
     * Text as the bytes the C tool would print: UTF-8, and the bytes that arguments, files and
     * string values held but that were not UTF-8 as those bytes again ({@link CmapText}). A
     * surrogate that stands for no byte, which only an embedding caller can pass, becomes '?'
     * as in {@link String#getBytes}; the rest of the text is written as usual.
     */
    static byte[] bytes(String text) {
        try {
            return CmapText.encode(text);
        } catch (CmapException e) {
            return bytesByCodePoint(text);
        }
    }

    /** Each code point by itself, so that only one that has no bytes becomes '?'. */
    private static byte[] bytesByCodePoint(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        text.codePoints().forEach(codePoint -> {
            try {
                bytes.writeBytes(CmapText.encode(Character.toString(codePoint)));
            } catch (CmapException e) {
                bytes.write('?');
            }
        });
        return bytes.toByteArray();
    }

    /**
     * Writes bytes under the buffering rule. A failed write is dropped, as C's stdio drops it
     * (it only sets the stream's error flag, which corosync-cmapctl never reads), but for a
     * closed pipe, which kills the C tool with SIGPIPE.
     *
     * @throws UncheckedIOException when the destination is a pipe whose reader is gone
     */
    synchronized void write(byte[] bytes) {
        if (buffering == Buffering.NONE) {
            emit(bytes, 0, bytes.length);
            return;
        }
        int at = 0;
        while (at < bytes.length) {
            int chunk = Math.min(BLOCK_SIZE - used, bytes.length - at);
            System.arraycopy(bytes, at, buffer, used, chunk);
            used += chunk;
            at += chunk;
            if (used == BLOCK_SIZE) {
                flush();
            }
        }
        if (buffering == Buffering.LINE && containsNewline(bytes)) {
            flush();
        }
    }

    /** Writes out what is buffered. */
    synchronized void flush() {
        if (used > 0) {
            int length = used;
            used = 0;
            emit(buffer, 0, length);
        }
    }

    private void emit(byte[] bytes, int offset, int length) {
        try {
            sink.write(bytes, offset, length);
            sink.flush();
        } catch (IOException e) {
            if (brokenPipe == BrokenPipe.ENDS && isBrokenPipe(e)) {
                throw new UncheckedIOException(e);
            }
            // a full disk, a closed descriptor, a closed pipe where SIGPIPE is ignored: the C tool
            // goes on, and exits as it would have
        }
    }

    /** EPIPE: the JDK's message is strerror's text (FileOutputStream reports no errno). */
    private static boolean isBrokenPipe(IOException e) {
        return BROKEN_PIPE.equals(e.getMessage());
    }

    private static boolean containsNewline(byte[] bytes) {
        for (byte b : bytes) {
            if (b == '\n') {
                return true;
            }
        }
        return false;
    }
}
