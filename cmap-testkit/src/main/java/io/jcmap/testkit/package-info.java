/**
 * A real corosync for tests.
 *
 * <p>{@link io.jcmap.testkit.Corosync} is one running corosync whose CMAP service is reachable from
 * the test JVM's network namespace. Two backends implement it: {@link io.jcmap.testkit.LocalCorosync}
 * (the host's {@code /usr/sbin/corosync}, needs root) and {@link io.jcmap.testkit.CorosyncContainer}
 * (Testcontainers, host network/IPC/PID so that clients on the host reach it). JUnit 5 tests use
 * {@link io.jcmap.testkit.CorosyncExtension}. See {@code docs/testkit.md}.
 */
package io.jcmap.testkit;
