package io.jcmap.tools;

import io.jcmap.client.CmapHandle;
import io.jcmap.client.CmapListener;
import io.jcmap.client.CmapMap;
import io.jcmap.client.CmapNotification;
import io.jcmap.client.CmapValue;
import io.jcmap.client.TrackEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A tracking session whose standard output is a pipe the reader closed while changes still come:
 * corosync-cmapctl dies of SIGPIPE there, silently (status 141); jcmapctl must end the same way.
 */
class TrackSessionTest {
    /** Takes the prompt, then fails as a pipe without a reader does. */
    private static final class ClosedAfterPrompt extends OutputStream {
        private int writes;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (writes++ > 0) {
                throw new IOException("Broken pipe");
            }
        }
    }

    /** Standard input that never ends: only the dispatcher can end the session. */
    private static final class Silent extends InputStream {
        private final CountDownLatch never = new CountDownLatch(1);

        @Override
        public int read() throws IOException {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return -1;
        }
    }

    /** A handle whose blocking dispatch delivers one change to the listener of the one track. */
    private static CmapHandle oneChange() {
        CmapListener[] listener = new CmapListener[1];
        return (CmapHandle) Proxy.newProxyInstance(CmapHandle.class.getClassLoader(),
                new Class<?>[] {CmapHandle.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "trackAdd" -> {
                        listener[0] = (CmapListener) args[2];
                        yield 1L;
                    }
                    case "dispatch" -> {
                        listener[0].onNotification((CmapHandle) proxy,
                                new CmapNotification(1L, TrackEvent.ADD, "a.b", CmapValue.uint8(1), null));
                        yield 1;
                    }
                    case "close" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    @Timeout(10)
    void aChangeWrittenToAClosedPipeEndsTheSessionAsSigpipeDoes() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Stdio io = new Stdio(new Silent(), new Output(new ClosedAfterPrompt(), Output.Buffering.NONE),
                new Output(err, Output.Buffering.NONE), "jcmapctl", false, null);
        Options options = new Options(Action.TRACK, CmapMap.ICMAP, false, false, true, null, null, List.of("a."),
                false, null, null);
        TrackSession session = new TrackSession(oneChange(), options, io, new TextKeyPrinter(io.out(), false, false));

        // Jcmapctl.runGuarded turns this into 141, as for any other write to a closed pipe
        assertThrows(UncheckedIOException.class, session::run);
        assertEquals("", err.toString(), "SIGPIPE kills the C tool without a word");
    }
}
