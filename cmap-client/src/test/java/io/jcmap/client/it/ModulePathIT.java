package io.jcmap.client.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcmap.testkit.Corosync;
import io.jcmap.testkit.CorosyncExtension;
import java.io.File;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * jcmap on the module path, as a modular application uses it: {@code io.jcmap.client} exports
 * the API alone, {@code io.jcmap.protocol} opens the wire to the client only, and native access
 * is granted to the module that makes the downcalls, under the name the README gives. Each probe
 * is a JVM of its own with the two modules and SLF4J's API on its module path, built from this
 * test's class path, and {@link ModulePathProbe} on its class path. The testkit, which cannot be
 * a module of its own (Testcontainers is not), has a fixed automatic name.
 */
@Tag("integration")
class ModulePathIT {
    private static final Set<String> MODULES = Set.of("io.jcmap.client", "io.jcmap.protocol", "org.slf4j");
    private static final String GRANT = "--enable-native-access=io.jcmap.protocol";
    private static final String RESTRICTED_WARNING = "WARNING: A restricted method";

    @RegisterExtension
    static final CorosyncExtension COROSYNC = CorosyncExtension.builder().build();

    @Test
    void aModularApplicationReachesCorosyncThroughTheExportedApiAlone(Corosync corosync) throws Exception {
        String output = run(corosync, List.of(GRANT));
        assertTrue(output.contains("api module: io.jcmap.client"), output);
        assertTrue(output.contains("wire open to the application: false"), output);
        assertTrue(output.contains("wire open to the client: true"), output);
        assertTrue(output.contains("cluster: " + corosync.clusterName()), output);
        assertFalse(output.contains(RESTRICTED_WARNING), output);
    }

    @Test
    void withoutTheGrantTheJdkAsksForTheModuleTheReadmeNames(Corosync corosync) throws Exception {
        String output = run(corosync, List.of());
        assertTrue(output.contains(RESTRICTED_WARNING), output);
        assertTrue(output.contains("Use " + GRANT + " "), output);
        assertTrue(output.contains("cluster: " + corosync.clusterName()), output);
    }

    @Test
    void theTestkitHasAStableModuleName() throws Exception {
        Path jar = Path.of(Corosync.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(Files.isRegularFile(jar), "the testkit comes from its jar here: " + jar);
        assertEquals(Optional.of("io.jcmap.testkit"), ModuleFinder.of(jar).findAll().stream()
                .map(ModuleReference::descriptor).map(ModuleDescriptor::name).findFirst());
    }

    private static String run(Corosync corosync, List<String> options) throws Exception {
        List<String> arguments = new ArrayList<>(options);
        arguments.addAll(List.of("--module-path", modulePath(), "--add-modules", "io.jcmap.client",
                "-cp", probeClassPath(), ModulePathProbe.class.getName()));
        ChildJvm.Result probe = ChildJvm.run(corosync.clientCommand(ChildJvm.java(arguments)));
        assertEquals(0, probe.exit(), probe.output());
        return probe.output();
    }

    /** The entries of this test's class path that hold the three modules, each once. */
    private static String modulePath() {
        Map<String, String> found = new TreeMap<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            module(Path.of(entry)).filter(MODULES::contains).ifPresent(name -> found.putIfAbsent(name, entry));
        }
        assertEquals(MODULES, found.keySet(), "modules on the class path: " + found);
        return String.join(File.pathSeparator, found.values());
    }

    /** The explicit module an entry holds: a jar or a directory with a module-info.class. */
    private static Optional<String> module(Path entry) {
        boolean candidate = Files.isRegularFile(entry)
                || Files.isRegularFile(entry.resolve("module-info.class"));
        if (!candidate) {
            return Optional.empty();
        }
        try {
            return ModuleFinder.of(entry).findAll().stream().map(ModuleReference::descriptor)
                    .filter(descriptor -> !descriptor.isAutomatic())
                    .map(ModuleDescriptor::name).findFirst();
        } catch (FindException e) {
            return Optional.empty(); // not a module: a jar without a usable name
        }
    }

    private static String probeClassPath() throws URISyntaxException {
        return Path.of(ModulePathProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
