package io.jcmap.tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A filesystem Unix socket that forwards every connection to corosync's abstract setup socket
 * {@code @cmap}, so that {@code --socket PATH} can be tested without switching the machine to
 * libqb's filesystem sockets. The JDK cannot open abstract sockets; this does it through libc.
 * Only the setup socket goes through here: the SHM rings and socket-IPC datagram endpoints the
 * handshake names are opened directly, as with a real filesystem-socket corosync.
 */
final class AbstractSocketProxy implements AutoCloseable {
    private static final int AF_UNIX = 1;
    private static final int SOCK_STREAM = 1;
    private static final int SHUT_WR = 1;
    /** sa_family plus the whole sun_path, NUL-padded, as libqb connects. */
    private static final int SOCKADDR_UN_SIZE = 110;
    private static final int BUFFER = 64 * 1024;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final MethodHandle SOCKET = handle("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle CONNECT = handle("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle READ = handle("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = handle("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle SHUTDOWN = handle("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private final ServerSocketChannel server;
    private final String target;

    /** Listens on {@code path} and forwards to the abstract socket {@code target}. */
    AbstractSocketProxy(Path path, String target) throws IOException {
        this.target = target;
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        Tools.thread(this::acceptLoop);
    }

    private static MethodHandle handle(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LIBC.find(name).orElseThrow(), descriptor);
    }

    private void acceptLoop() {
        try {
            while (true) {
                SocketChannel client = server.accept();
                int upstream = connectAbstract(target);
                Tools.thread(() -> clientToServer(client, upstream));
                Tools.thread(() -> serverToClient(upstream, client));
            }
        } catch (IOException e) {
            // closed
        }
    }

    private static int connectAbstract(String name) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment address = arena.allocate(SOCKADDR_UN_SIZE);
            address.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
            byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
            MemorySegment.copy(bytes, 0, address, ValueLayout.JAVA_BYTE, 3, bytes.length);
            int fd = (int) SOCKET.invokeExact(AF_UNIX, SOCK_STREAM, 0);
            if (fd < 0 || (int) CONNECT.invokeExact(fd, address, SOCKADDR_UN_SIZE) != 0) {
                throw new IOException("cannot connect to @" + name);
            }
            return fd;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static void clientToServer(SocketChannel client, int upstream) {
        try (client; Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(BUFFER);
            ByteBuffer buffer = memory.asByteBuffer();
            while (client.read(buffer.clear()) > 0) {
                long length = buffer.position();
                long at = 0;
                while (at < length) {
                    long written = (long) WRITE.invokeExact(upstream, memory.asSlice(at), length - at);
                    if (written <= 0) {
                        return;
                    }
                    at += written;
                }
            }
            int ignored = (int) SHUTDOWN.invokeExact(upstream, SHUT_WR);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static void serverToClient(int upstream, SocketChannel client) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(BUFFER);
            long read;
            while ((read = (long) READ.invokeExact(upstream, memory, (long) BUFFER)) > 0) {
                ByteBuffer chunk = memory.asSlice(0, read).asByteBuffer();
                while (chunk.hasRemaining()) {
                    client.write(chunk);
                }
            }
            client.shutdownOutput();
        } catch (IOException e) {
            // the client went away
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        } finally {
            try {
                int ignored = (int) CLOSE.invokeExact(upstream);
            } catch (Throwable t) {
                // nothing left to do
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
