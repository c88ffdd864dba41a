package io.jcmap.protocol.os;

import io.jcmap.protocol.ErrnoException;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * An AF_UNIX address. libqb binds abstract names padded with NULs to the whole 108-byte
 * {@code sun_path} and passes the full structure length (110), so an abstract address is only
 * equal to libqb's when it is padded and sized the same way.
 */
public record UnixAddress(boolean isAbstract, byte[] name) {

    public UnixAddress {
        name = name.clone();
        // one byte of sun_path goes to the leading NUL (abstract) or the terminating NUL (path)
        int limit = SockaddrUnDescriptor.PATH_LENGTH - 1;
        if (name.length == 0 || name.length > limit) {
            throw new ErrnoException(Errno.ENAMETOOLONG,
                    "socket name must be 1.." + limit + " bytes: " + describe(isAbstract, name));
        }
    }

    /** The abstract name {@code \0name}, padded like libqb's. */
    public static UnixAddress abstractName(String name) {
        return new UnixAddress(true, name.getBytes(StandardCharsets.UTF_8));
    }

    /** A socket file in the file system. */
    public static UnixAddress path(String path) {
        return new UnixAddress(false, path.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public byte[] name() {
        return name.clone();
    }

    /** Writes the sockaddr_un into {@code dst} and returns the address length to pass. */
    int writeTo(MemorySegment dst) {
        dst.asSlice(0, SockaddrUnDescriptor.LENGTH).fill((byte) 0);
        dst.set(JAVA_SHORT_UNALIGNED, SockaddrUnDescriptor.FAMILY_OFFSET, (short) LinuxAbi.AF_UNIX);
        int start = SockaddrUnDescriptor.PATH_OFFSET + (isAbstract ? 1 : 0);
        MemorySegment.copy(name, 0, dst, JAVA_BYTE, start, name.length);
        return isAbstract ? SockaddrUnDescriptor.LENGTH : start + name.length + 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnixAddress other && other.isAbstract == isAbstract
                && Arrays.equals(other.name, name);
    }

    @Override
    public int hashCode() {
        return Boolean.hashCode(isAbstract) * 31 + Arrays.hashCode(name);
    }

    @Override
    public String toString() {
        return describe(isAbstract, name);
    }

    private static String describe(boolean isAbstract, byte[] name) {
        return (isAbstract ? "@" : "") + new String(name, StandardCharsets.UTF_8);
    }
}
