package io.jcmap.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.dockerjava.api.model.Container;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Fails a test class that leaves a corosync process (in this network namespace), a testkit
 * container or a {@code /dev/shm/qb-*} entry of a corosync it started behind. Register it with
 * {@code @ExtendWith} so that it wraps the class's other extensions.
 */
final class LeakCheckExtension implements BeforeAllCallback, AfterAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LeakCheckExtension.class);

    private record Snapshot(Set<Long> corosyncPids, Set<String> containers, Set<String> shm) {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NAMESPACE).put(Snapshot.class, snapshot());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Snapshot before = context.getStore(NAMESPACE).get(Snapshot.class, Snapshot.class);
        Snapshot after = snapshot();
        Set<Long> ours = StartedPids.all();

        assertEquals(Set.of(), difference(after.corosyncPids(), before.corosyncPids()),
                "corosync processes left running in this network namespace");
        assertEquals(Set.of(), difference(after.containers(), before.containers()), "testkit containers left behind");
        Set<String> leftShm = difference(after.shm(), before.shm()).stream()
                .filter(name -> ours.stream().anyMatch(pid -> ShmFiles.belongsTo(name, pid)))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of(), leftShm, "/dev/shm entries of corosyncs started by the tests (pids " + ours + ")");
    }

    static Snapshot snapshot() {
        return new Snapshot(corosyncPidsInThisNetworkNamespace(), testkitContainers(), ShmFiles.names());
    }

    static Set<Long> corosyncPidsInThisNetworkNamespace() {
        String ours = NetworkNamespace.current();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            return processes.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .filter(p -> "corosync".equals(read(p.resolve("comm"))))
                    .filter(p -> ours.equals(netns(p)))
                    .map(p -> Long.parseLong(p.getFileName().toString()))
                    .filter(ProcessState::isAlive)
                    .collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Set<String> testkitContainers() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            return Set.of();
        }
        List<Container> containers = DockerClientFactory.instance().client().listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(CorosyncContainer.LABEL, "true"))
                .exec();
        return containers.stream().map(Container::getId).collect(Collectors.toCollection(TreeSet::new));
    }

    private static <T> Set<T> difference(Set<T> after, Set<T> before) {
        Set<T> result = new TreeSet<>(after);
        result.removeAll(before);
        return result;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static String netns(Path process) {
        try {
            return Files.readSymbolicLink(process.resolve("ns/net")).toString();
        } catch (IOException e) {
            return "";
        }
    }
}
