package io.jcmap.protocol.os;

import io.jcmap.protocol.ErrnoException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A file that a server created for us, opened and mapped shared, read-write.
 *
 * <p>The server names the file; a hostile or confused one could name anything. So the path
 * must lie below a trusted directory, every component below it is opened with {@code
 * O_NOFOLLOW} (no symbolic link anywhere on the way), the file must be a regular
 * file of at least the size we will touch, and we never truncate, extend or create it.
 *
 * <p>The segment belongs to no arena: {@link #close()} unmaps it with {@code munmap}, without
 * the handshake with every JVM thread that closing a shared arena costs (decision 0008). So the
 * owner must know that no thread touches the memory any more when it closes: a connection
 * closes its mappings only once {@link io.jcmap.protocol.ipc.ActiveCalls} shows no thread
 * inside it and none can enter, and it never hands the memory out (readers get copies).
 */
public final class SharedMapping implements AutoCloseable {
    private final String path;
    private final String root;
    private final String relative;
    private final MemorySegment segment;
    private final FileIdentity identity;
    private final AtomicBoolean unmapped = new AtomicBoolean();

    private SharedMapping(String path, String root, String relative, MemorySegment segment, FileIdentity identity) {
        this.path = path;
        this.root = root;
        this.relative = relative;
        this.segment = segment;
        this.identity = identity;
    }

    /** Who owns the file, and which file it is (device and inode), as fstat saw it when opened. */
    private record FileIdentity(int ownerUid, long device, long inode) {
    }

    /**
     * Opens {@code path} (absolute, below {@code root}) and maps its first {@code length} bytes.
     *
     * @throws ErrnoException EACCES for a path outside {@code root} or with "." or ".."
     *     components, ELOOP for a symbolic link, EBADMSG for something that is not a regular
     *     file or is shorter than {@code length}, or the errno of a failed call
     */
    public static SharedMapping open(Path root, String path, long length) {
        String trusted = root.toAbsolutePath().normalize().toString();
        String relative = relativeTo(trusted, path);
        int fd = openBelow(trusted, relative, path);
        try {
            FileIdentity identity = checkRegularFile(fd, path, length);
            MemorySegment address = Libc.mmap(length, LinuxAbi.PROT_READ | LinuxAbi.PROT_WRITE,
                    LinuxAbi.MAP_SHARED, fd, 0);
            if (address.address() == -1L) {
                throw UnixSocket.failure("mmap(" + path + ")");
            }
            return new SharedMapping(path, trusted, relative, address.reinterpret(length), identity);
        } finally {
            Libc.close(fd);
        }
    }

    private static String relativeTo(String root, String path) {
        if (!path.startsWith("/")) {
            throw new ErrnoException(Errno.EACCES, "server named a relative file: " + path);
        }
        String prefix = root.endsWith("/") ? root : root + "/";
        if (!path.startsWith(prefix)) {
            throw new ErrnoException(Errno.EACCES, "server named a file outside " + root + ": " + path);
        }
        String relative = path.substring(prefix.length());
        for (String component : relative.split("/", -1)) {
            if (component.isEmpty() || component.equals(".") || component.equals("..")) {
                throw new ErrnoException(Errno.EACCES, "server named a file with an unsafe path: " + path);
            }
        }
        return relative;
    }

    private static int openBelow(String root, String relative, String path) {
        String[] components = relative.split("/");
        int[] directories = openDirectories(root, components, path);
        try {
            Place file = place(root, components, directories, components.length - 1);
            return openAt(file.directory(), file.name(), LinuxAbi.O_RDWR | LinuxAbi.O_NOFOLLOW | LinuxAbi.O_CLOEXEC, path);
        } finally {
            closeAll(directories);
        }
    }

    /**
     * Where {@code components[index]} is opened from: the first by its absolute path (the root
     * is trusted, links in its own path included, and one call then reaches the server's
     * directory), every later one by its name relative to the directory before it.
     */
    private static Place place(String root, String[] components, int[] directories, int index) {
        return index == 0 ? new Place(LinuxAbi.AT_FDCWD, root + "/" + components[0])
                : new Place(directories[index - 1], components[index]);
    }

    /** A name and the directory descriptor it is resolved against. */
    private record Place(int directory, String name) {
    }

    /**
     * Opens each directory on the way to the last of {@code components}, every one with {@code
     * O_NOFOLLOW} (see {@link #place}): element i holds {@code components[i]}. On a failure it
     * closes what it opened and throws.
     */
    private static int[] openDirectories(String root, String[] components, String path) {
        int[] directories = new int[components.length - 1];
        for (int i = 0; i < directories.length; i++) {
            Place directory = place(root, components, directories, i);
            try {
                directories[i] = openAt(directory.directory(), directory.name(),
                        LinuxAbi.O_RDONLY | LinuxAbi.O_DIRECTORY | LinuxAbi.O_NOFOLLOW | LinuxAbi.O_CLOEXEC, path);
            } catch (ErrnoException e) {
                closeAll(Arrays.copyOf(directories, i));
                throw e;
            }
        }
        return directories;
    }

    private static void closeAll(int[] fds) {
        for (int fd : fds) {
            Libc.close(fd);
        }
    }

    private static int openAt(int dirFd, String name, int flags, String path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cName = arena.allocateFrom(name, StandardCharsets.UTF_8);
            int fd = Libc.openat(dirFd, cName, flags, 0);
            if (fd < 0) {
                int errno = Libc.errno();
                // O_NOFOLLOW reports a link as ELOOP, O_DIRECTORY on a link as ENOTDIR
                String why = errno == Errno.ELOOP || errno == Errno.ENOTDIR
                        ? "a symbolic link or not a directory on the way" : Errno.describe(errno);
                throw new ErrnoException(errno, "open(" + path + ") at '" + name + "': " + why
                        + " (errno " + errno + ")");
            }
            return fd;
        }
    }

    private static FileIdentity checkRegularFile(int fd, String path, long length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment stat = arena.allocate(StatDescriptor.LENGTH, 8);
            if (Libc.fstat(fd, stat) != 0) {
                throw UnixSocket.failure("fstat(" + path + ")");
            }
            int mode = stat.get(JAVA_INT, StatDescriptor.MODE_OFFSET);
            if ((mode & LinuxAbi.S_IFMT) != LinuxAbi.S_IFREG) {
                throw new ErrnoException(Errno.EBADMSG, "server named something that is not a regular file: " + path);
            }
            long size = stat.get(JAVA_LONG, StatDescriptor.SIZE_OFFSET);
            if (size < length) {
                throw new ErrnoException(Errno.EBADMSG, "file " + path + " has " + size
                        + " bytes, the protocol needs " + length);
            }
            return new FileIdentity(stat.get(JAVA_INT, StatDescriptor.UID_OFFSET),
                    stat.get(JAVA_LONG, StatDescriptor.DEVICE_OFFSET), stat.get(JAVA_LONG, StatDescriptor.INODE_OFFSET));
        }
    }

    /** The mapped memory. */
    public MemorySegment segment() {
        return segment;
    }

    /** The uid owning the file when it was opened. */
    public int ownerUid() {
        return identity.ownerUid();
    }

    public String path() {
        return path;
    }

    /** Unmaps the file, once; no thread may touch {@link #segment()} from now on. */
    @Override
    public void close() {
        if (unmapped.compareAndSet(false, true)) {
            Libc.munmap(segment, segment.byteSize());
        }
    }

    /**
     * Removes the file's name, and then the directory holding it if that is left empty, where
     * the name still leads to the file mapped here: the same device and inode, reached from the
     * trusted directory without following a link. libqb's client does so for the files of a
     * server that can no longer remove them itself. Best effort: whatever is unexpected leaves
     * the names as they are.
     *
     * @return whether the file's name was removed
     */
    public boolean removeName() {
        String[] components = relative.split("/");
        int last = components.length - 1;
        int[] directories;
        try {
            directories = openDirectories(root, components, path);
        } catch (ErrnoException e) {
            return false; // a directory on the way is gone, or was swapped for a link
        }
        try (Arena arena = Arena.ofConfined()) {
            Place file = place(root, components, directories, last);
            MemorySegment name = arena.allocateFrom(file.name());
            if (!namesMappedFile(file.directory(), name, arena) || Libc.unlinkat(file.directory(), name, 0) != 0) {
                return false;
            }
            if (last > 0) {
                // the directory the server made for the connection; refused while files remain in it
                Place directory = place(root, components, directories, last - 1);
                Libc.unlinkat(directory.directory(), arena.allocateFrom(directory.name()), LinuxAbi.AT_REMOVEDIR);
            }
            return true;
        } finally {
            closeAll(directories);
        }
    }

    /**
     * Looks at the name itself, a link included: O_PATH with O_NOFOLLOW opens a link as such, and
     * fstat then shows it as one. The same as fstatat with AT_SYMLINK_NOFOLLOW, with the calls
     * this class binds already.
     */
    private boolean namesMappedFile(int directory, MemorySegment name, Arena arena) {
        int fd = Libc.openat(directory, name, LinuxAbi.O_PATH | LinuxAbi.O_NOFOLLOW | LinuxAbi.O_CLOEXEC, 0);
        if (fd < 0) {
            return false;
        }
        try {
            MemorySegment stat = arena.allocate(StatDescriptor.LENGTH, 8);
            return Libc.fstat(fd, stat) == 0
                    && (stat.get(JAVA_INT, StatDescriptor.MODE_OFFSET) & LinuxAbi.S_IFMT) == LinuxAbi.S_IFREG
                    && stat.get(JAVA_LONG, StatDescriptor.DEVICE_OFFSET) == identity.device()
                    && stat.get(JAVA_LONG, StatDescriptor.INODE_OFFSET) == identity.inode();
        } finally {
            Libc.close(fd);
        }
    }

    @Override
    public String toString() {
        return "SharedMapping[" + path + ", " + segment.byteSize() + " bytes]";
    }
}
