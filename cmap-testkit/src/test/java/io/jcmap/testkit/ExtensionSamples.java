package io.jcmap.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Test classes that {@link CorosyncExtensionFailureIT} runs through the JUnit engine test kit, and
 * {@link CorosyncExtensionOnJunit5IT} on JUnit 5. The name keeps Surefire and Failsafe from running
 * them directly.
 */
final class ExtensionSamples {

    static final String FAILURE_MESSAGE = "boom, on purpose";

    private ExtensionSamples() {
    }

    static class FailingTest {
        @RegisterExtension
        static CorosyncExtension corosync = CorosyncExtension.builder().backend(Backend.LOCAL)
                .clusterName("sample-failing").build();

        @Test
        void fails() {
            fail(FAILURE_MESSAGE);
        }

        @Test
        void passes(Corosync injected) {
            assertTrue(injected.isRunning());
        }
    }

    static class FailingContainerTest {
        @RegisterExtension
        static CorosyncExtension corosync = CorosyncExtension.builder().backend(Backend.CONTAINER)
                .clusterName("sample-container").build();

        @Test
        void fails() {
            fail(FAILURE_MESSAGE);
        }
    }

    static class FailingBeforeEach {
        @RegisterExtension
        static CorosyncExtension corosync = CorosyncExtension.builder().backend(Backend.LOCAL)
                .clusterName("sample-before-each").build();

        @BeforeEach
        void setUp() {
            fail(FAILURE_MESSAGE);
        }

        @Test
        void neverRuns() {
        }
    }

    @ExtendWith(CorosyncExtension.class)
    static class DefaultsViaExtendWith {
        @Test
        void getsADefaultInstance(Corosync injected) {
            assertEquals(IpcType.SHM, injected.ipcType());
            assertTrue(injected.clusterName().startsWith("jcmap-"), injected.clusterName());
            assertEquals(Backend.fromSystemProperty().resolve(), injected.backend());
            assertEquals(injected.clusterName(), CorosyncContract.cmapGet(injected, "totem.cluster_name"));
        }
    }

    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    static class PerClassConstructorInjection {
        @RegisterExtension
        static CorosyncExtension corosync = CorosyncExtension.builder().backend(Backend.LOCAL).build();

        private final Corosync fromConstructor;

        PerClassConstructorInjection(Corosync fromConstructor) {
            this.fromConstructor = fromConstructor;
        }

        @Test
        void constructorAndMethodGetTheSameInstance(Corosync injected) {
            assertSame(corosync.instance(), fromConstructor);
            assertSame(fromConstructor, injected);
            assertTrue(injected.isRunning());
        }
    }

    /** The slip of a missing "static": JUnit runs no class callbacks for an instance field's extension. */
    static class InstanceFieldRegistration {
        @RegisterExtension
        CorosyncExtension corosync = CorosyncExtension.builder().backend(Backend.LOCAL)
                .lockTimeout(java.time.Duration.ofSeconds(20)).build();

        @Test
        void first(Corosync instance) {
        }

        @Test
        void second(Corosync instance) {
        }
    }

    /** A nested class with an extension of its own, while the enclosing class's instance runs. */
    static class NestedWithItsOwnExtension {
        @RegisterExtension
        static CorosyncExtension outer = CorosyncExtension.builder().backend(Backend.LOCAL).clusterName("sample-outer")
                .lockTimeout(java.time.Duration.ofSeconds(20)).build();

        @Test
        void outerRuns() {
            assertTrue(outer.instance().isRunning());
        }

        @Nested
        class Inner {
            @RegisterExtension
            static CorosyncExtension inner = CorosyncExtension.builder().backend(Backend.LOCAL)
                    .clusterName("sample-inner").lockTimeout(java.time.Duration.ofSeconds(20)).build();

            @Test
            void neverRuns() {
            }
        }
    }

    static class WrongParameterType {
        @RegisterExtension
        static CorosyncExtension corosync = CorosyncExtension.builder().backend(Backend.LOCAL).build();

        @Test
        void wantsAContainer(CorosyncContainer container) {
        }
    }

    static class BrokenConfiguration {
        @RegisterExtension
        static CorosyncExtension corosync = CorosyncExtension.builder().backend(Backend.LOCAL)
                .extraConfig("totem {\n  transport: nonsense\n}\n").build();

        @Test
        void neverRuns() {
        }
    }

    /** One extension in a base class, shared by the classes below: the common "test base class" pattern. */
    abstract static class SharedExtensionBase {
        static final java.time.Duration LOCK_TIMEOUT = java.time.Duration.ofSeconds(20);

        @RegisterExtension
        static CorosyncExtension corosync = CorosyncExtension.builder().backend(Backend.LOCAL)
                .lockTimeout(LOCK_TIMEOUT).build();

        /** The classes that reached their test. */
        static final java.util.Set<Class<?>> REACHED = java.util.concurrent.ConcurrentHashMap.newKeySet();

        /** The first class's test goes on only once the other class waits in its start for the lock. */
        @BeforeEach
        void waitForTheOtherClassToWaitForTheInstance() {
            REACHED.add(getClass());
            Await.until(() -> REACHED.size() == 2 || InstanceLock.queuedInJvm() > 0, LOCK_TIMEOUT,
                    () -> "the other class waits for the instance lock (do the classes run concurrently?)");
        }

        @Test
        void usesItsInstance(Corosync instance) {
            assertTrue(instance.isRunning());
            assertSame(instance, corosync.instance());
        }
    }

    static class SharedExtensionFirst extends SharedExtensionBase {
    }

    static class SharedExtensionSecond extends SharedExtensionBase {
    }
}
