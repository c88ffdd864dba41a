package io.jcmap.protocol.os;

/** The process credentials the kernel reports for the peer of a Unix socket. */
public record Credentials(int pid, int uid, int gid) {
}
