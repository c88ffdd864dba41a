package io.jcmap.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

/** Failed writes end the run only for a closed pipe, as SIGPIPE ends the C tool; stdio drops the others. */
class OutputTest {
    /** A destination whose every write fails with {@code message}, counting the tries. */
    private static final class Failing extends OutputStream {
        private final String message;
        int tries;

        Failing(String message) {
            this.message = message;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            tries++;
            throw new IOException(message);
        }
    }

    @Test
    void aFullDiskOrAClosedDescriptorIsDroppedAndWritingGoesOn() {
        for (String failure : new String[] {"No space left on device", "Bad file descriptor"}) {
            Failing sink = new Failing(failure);
            Output err = new Output(sink, Output.Buffering.NONE);
            err.print("first\n");
            err.print("second\n");
            assertEquals(2, sink.tries, failure + ": every write is tried, as C's fwrite does");
        }
    }

    @Test
    void textIsPrintedAsUtf8WithTheBytesItsSurrogatesStandFor() {
        assertArrayEquals(new byte[] {'c', (byte) 0xe9, (byte) 0xc3, (byte) 0xa9, '\n'}, Output.bytes("c\uDCE9\u00e9\n"));
        // a surrogate for no byte can only come from an embedding caller: '?', as String.getBytes does
        assertArrayEquals(new byte[] {'a', '?'}, Output.bytes("a\uD800"));
        assertArrayEquals(new byte[] {'k', (byte) 0xff, '?', (byte) 0xf0, (byte) 0x9f, (byte) 0x98, (byte) 0x80},
                Output.bytes("k\uDCFF\uD800\uD83D\uDE00"));
    }

    @Test
    void aClosedPipeEndsTheRun() {
        Output out = new Output(new Failing("Broken pipe"), Output.Buffering.LINE);
        assertThrows(UncheckedIOException.class, () -> out.print("line\n"));
    }

    /** The whole command: with standard error on a full disk, jcmapctl exits as it would have. */
    @Test
    void aCommandWithAnUnwritableStandardErrorExitsWithItsOwnStatus() {
        int status = Jcmapctl.run("jcmapctl", java.util.List.of("-x"), java.io.InputStream.nullInputStream(),
                OutputStream.nullOutputStream(), new Failing("No space left on device"));
        assertEquals(ExitCode.FAILURE, status, "getopt's complaint is lost, the status stays 1");
    }
}
