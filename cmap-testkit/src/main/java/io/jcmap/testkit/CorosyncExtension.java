package io.jcmap.testkit;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.testcontainers.utility.DockerImageName;

/**
 * JUnit 5 extension that runs one corosync for all tests of a class.
 *
 * <pre>{@code
 * @RegisterExtension
 * static CorosyncExtension corosync = CorosyncExtension.builder().ipcType(IpcType.SOCKET).build();
 * }</pre>
 *
 * <p>or, with defaults, {@code @ExtendWith(CorosyncExtension.class)}. The instance starts before
 * all tests of the class (before its {@code @BeforeAll} methods) and is closed after them; nested
 * classes share it. Tests get it from {@link #instance()} or as a parameter of type
 * {@link Corosync} (test methods, lifecycle methods, constructors).
 *
 * <p>The backend is the one given to {@link Builder#backend(Backend)}, else the system property
 * {@value Backend#PROPERTY} ({@code local}, {@code container}, {@code auto}; default {@code auto}).
 * With {@link Builder#image(String)}, {@code auto} is the container backend.
 *
 * <p>Register it on the class or on a static field: JUnit runs no {@code beforeAll} and
 * {@code afterAll} for one on an instance field, so nothing would close its corosync, and a test
 * that asks for the instance then fails at once saying so. A nested class shares the enclosing
 * class's instance; one with an extension of its own fails at once too, as there is one corosync
 * per network namespace and the enclosing one cannot close before the nested class ends.
 *
 * <p>When a test or lifecycle method fails, the tail of the corosync log is printed to stderr
 * between banners and attached to the failure as a suppressed exception, so it shows up in the
 * Surefire/Failsafe report next to the stack trace.
 */
public final class CorosyncExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver,
        TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

    /** How many log lines a failure report shows at most. */
    public static final int LOG_LINES_ON_FAILURE = 300;

    private static final String BANNER = "====================";
    /** Why a test cannot have the instance of an extension whose class callbacks never ran. */
    private static final String NOT_ON_A_CLASS = "CorosyncExtension runs one corosync for a test class: "
            + "register it on a static field (@RegisterExtension static CorosyncExtension ...) or with "
            + "@ExtendWith on the class. JUnit runs no beforeAll/afterAll for one on an instance field or a "
            + "method, so nothing would close its corosync";
    /** Shared by every CorosyncExtension: what runs for a class context, whichever extension started it. */
    private static final ExtensionContext.Namespace ANY = ExtensionContext.Namespace.create(CorosyncExtension.class);

    private final CorosyncConfig config;
    private final Backend backend;
    private final DockerImageName image;
    private final ExtensionContext.Namespace namespace;
    private volatile Corosync current;
    /**
     * One lock per class context (its unique id) that starts an instance. Kept here, not in the
     * context's store: the store's atomic {@code computeIfAbsent} is JUnit 6's, and its JUnit 5 form
     * is deprecated in 6, so either would tie users to one of the two.
     */
    private final ConcurrentMap<String, StartLock> startLocks = new ConcurrentHashMap<>();

    /** Defaults: random cluster name, SHM, backend from the system property. For {@code @ExtendWith}. */
    public CorosyncExtension() {
        this(CorosyncConfig.defaults(), null, null);
    }

    private CorosyncExtension(CorosyncConfig config, Backend backend, DockerImageName image) {
        this.config = config;
        this.backend = backend;
        this.image = image;
        this.namespace = ExtensionContext.Namespace.create(CorosyncExtension.class, this);
    }

    /**
     * Starts configuring an extension.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The running instance, available from the extension's {@code beforeAll} until its
     * {@code afterAll}.
     *
     * @return the instance
     * @throws IllegalStateException outside that window
     */
    public Corosync instance() {
        Corosync corosync = current;
        if (corosync == null) {
            throw new IllegalStateException("no corosync is running: the extension starts it before all tests "
                    + "of the class and closes it after them. " + NOT_ON_A_CLASS);
        }
        return corosync;
    }

    /**
     * The configuration the instance runs with.
     *
     * @return the configuration
     */
    public CorosyncConfig config() {
        return config;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(namespace).put(ClassCallbacks.class, new ClassCallbacks());
        ensureStarted(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        startLocks.remove(context.getUniqueId());
        ExtensionContext.Store store = context.getStore(namespace);
        Running running = store.get(Running.class, Running.class);
        if (running != null && running.ownerId().equals(context.getUniqueId())) {
            store.remove(Running.class);
            context.getStore(ANY).remove(Held.class);
            current = null;
            running.corosync().close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return Corosync.class.isAssignableFrom(parameterContext.getParameter().getType());
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> wanted = parameterContext.getParameter().getType();
        if (extensionContext.getTestMethod().isPresent()
                && extensionContext.getStore(namespace).get(ClassCallbacks.class) == null) {
            throw new ExtensionConfigurationException(NOT_ON_A_CLASS);
        }
        Corosync corosync = ensureStarted(extensionContext);
        if (!wanted.isInstance(corosync)) {
            throw new ParameterResolutionException("parameter " + parameterContext.getParameter() + " wants a "
                    + wanted.getSimpleName() + " but the " + corosync.backend() + " backend runs a "
                    + corosync.getClass().getSimpleName() + "; declare it as Corosync");
        }
        return corosync;
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw attachLog(context, throwable);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable)
            throws Throwable {
        throw attachLog(context, throwable);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable)
            throws Throwable {
        throw attachLog(context, throwable);
    }

    @Override
    public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable throwable)
            throws Throwable {
        throw attachLog(context, throwable);
    }

    @Override
    public void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable throwable)
            throws Throwable {
        throw attachLog(context, throwable);
    }

    // Locked per class, not on the extension: an extension shared by classes running concurrently
    // (a static field of a common base class) has one class wait in start() for the instance lock
    // until the other's instance closes, and that wait must not block the other's parameters.
    private Corosync ensureStarted(ExtensionContext context) {
        Running running = context.getStore(namespace).get(Running.class, Running.class);
        if (running != null) {
            return running.corosync(); // started for this class, an enclosing class, or a constructor
        }
        ExtensionContext classContext = classContext(context);
        ExtensionContext.Store store = classContext.getStore(namespace);
        synchronized (startLocks.computeIfAbsent(classContext.getUniqueId(), id -> new StartLock())) {
            running = store.get(Running.class, Running.class);
            if (running != null) {
                return running.corosync();
            }
            requireNoOtherInstance(classContext);
            Corosync corosync = start();
            store.put(Running.class, new Running(classContext.getUniqueId(), corosync));
            classContext.getStore(ANY).put(Held.class, new Held(this, corosync));
            current = corosync;
            return corosync;
        }
    }

    /**
     * Fails at once where another extension's instance runs for this class or an enclosing one:
     * the start would wait for the instance lock until that instance closes, which it does only
     * after this class has ended.
     */
    private void requireNoOtherInstance(ExtensionContext classContext) {
        Held held = classContext.getStore(ANY).get(Held.class, Held.class);
        if (held != null && held.extension() != this) {
            throw new ExtensionConfigurationException("another CorosyncExtension runs corosync (cluster "
                    + held.corosync().clusterName() + ") for " + classContext.getDisplayName()
                    + " or a class enclosing it, and there is one corosync per network namespace: a nested "
                    + "class shares the enclosing class's instance; register one extension per class tree");
        }
    }

    private Corosync start() {
        Backend chosen = chosenBackend();
        if (chosen == Backend.CONTAINER && image != null) {
            CorosyncContainer container = new CorosyncContainer(image, config);
            container.start();
            return container;
        }
        return chosen.start(config);
    }

    /**
     * The backend a start uses. A named image makes AUTO the container backend: the test means
     * to run in that image, and would otherwise run on the host's corosync without a word.
     *
     * @throws IllegalStateException when the system property selects the local backend for an
     *                               extension with an image
     */
    Backend chosenBackend() {
        Backend wanted = backend != null ? backend : Backend.fromSystemProperty();
        if (image == null) {
            return wanted.resolve();
        }
        if (wanted == Backend.LOCAL) {
            throw new IllegalStateException("image(" + image + ") needs the container backend, but "
                    + Backend.PROPERTY + " selects local");
        }
        return Backend.CONTAINER;
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext candidate = context;
        while (candidate.getTestMethod().isPresent() && candidate.getParent().isPresent()) {
            candidate = candidate.getParent().get();
        }
        return candidate;
    }

    private Throwable attachLog(ExtensionContext context, Throwable throwable) {
        Running running = context.getStore(namespace).get(Running.class, Running.class);
        boolean attached = Arrays.stream(throwable.getSuppressed()).anyMatch(CorosyncLogAttachment.class::isInstance);
        // a parameter no resolver gives is the test's declaration, not corosync's doing: its log is noise there
        if (running == null || attached || throwable instanceof ParameterResolutionException) {
            return throwable;
        }
        String report = report(running.corosync(), context);
        System.err.println(report);
        throwable.addSuppressed(new CorosyncLogAttachment(report));
        return throwable;
    }

    private static String report(Corosync corosync, ExtensionContext context) {
        String log = corosync.log();
        int lines = (int) log.lines().count();
        int shown = Math.min(lines, LOG_LINES_ON_FAILURE);
        String tail = String.join("\n", log.lines().skip(lines - shown).toList());
        return "\n" + BANNER + " corosync log for failed " + context.getDisplayName() + " (cluster "
                + corosync.clusterName() + ", " + corosync.backend().name().toLowerCase(Locale.ROOT)
                + " backend, last " + shown + " of " + lines + " lines) " + BANNER + "\n" + tail + "\n"
                + BANNER + " end of corosync log " + BANNER;
    }

    /** In a class context's store: this extension's class callbacks run there. */
    private record ClassCallbacks() {
    }

    /** In a class context's store ({@link #ANY}): the extension whose instance runs there. */
    private record Held(CorosyncExtension extension, Corosync corosync) {
    }

    /** Serialises the start for one class context. */
    private static final class StartLock {
    }

    /** The instance started for one class context (and its nested classes). */
    private record Running(String ownerId, Corosync corosync) {
    }

    /** Configures a {@link CorosyncExtension}; unset values use the {@link CorosyncConfig} defaults. */
    public static final class Builder {
        private final CorosyncConfig.Builder config = CorosyncConfig.builder();
        /** The first individual setting made, if any: {@link #config(CorosyncConfig)} would drop it. */
        private String individualSetting;
        private CorosyncConfig fullConfig;
        private Backend backend;
        private DockerImageName image;

        private Builder() {
        }

        /**
         * Uses a complete configuration instead of the individual settings of this builder; with
         * both, {@link #build()} fails rather than drop some of them.
         *
         * @param config the configuration
         * @return this builder
         */
        public Builder config(CorosyncConfig config) {
            this.fullConfig = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * See {@link CorosyncConfig.Builder#clusterName(String)}.
         *
         * @param clusterName the cluster name
         * @return this builder
         */
        public Builder clusterName(String clusterName) {
            config.clusterName(clusterName);
            individual("clusterName");
            return this;
        }

        /**
         * See {@link CorosyncConfig.Builder#ipcType(IpcType)}.
         *
         * @param ipcType the IPC transport
         * @return this builder
         */
        public Builder ipcType(IpcType ipcType) {
            config.ipcType(ipcType);
            individual("ipcType");
            return this;
        }

        /**
         * See {@link CorosyncConfig.Builder#extraConfig(String)}.
         *
         * @param fragment raw corosync.conf text
         * @return this builder
         */
        public Builder extraConfig(String fragment) {
            config.extraConfig(fragment);
            individual("extraConfig");
            return this;
        }

        /**
         * See {@link CorosyncConfig.Builder#startupTimeout(Duration)}.
         *
         * @param timeout the startup timeout
         * @return this builder
         */
        public Builder startupTimeout(Duration timeout) {
            config.startupTimeout(timeout);
            individual("startupTimeout");
            return this;
        }

        /**
         * See {@link CorosyncConfig.Builder#stopGracePeriod(Duration)}.
         *
         * @param gracePeriod the stop grace period
         * @return this builder
         */
        public Builder stopGracePeriod(Duration gracePeriod) {
            config.stopGracePeriod(gracePeriod);
            individual("stopGracePeriod");
            return this;
        }

        /**
         * See {@link CorosyncConfig.Builder#lockTimeout(Duration)}.
         *
         * @param timeout the lock timeout
         * @return this builder
         */
        public Builder lockTimeout(Duration timeout) {
            config.lockTimeout(timeout);
            individual("lockTimeout");
            return this;
        }

        /**
         * See {@link CorosyncConfig.Builder#filesystemSockets(boolean)}.
         *
         * @param forced true to force filesystem sockets
         * @return this builder
         */
        public Builder filesystemSockets(boolean forced) {
            config.filesystemSockets(forced);
            individual("filesystemSockets");
            return this;
        }

        /**
         * Forces a backend instead of the system property {@value Backend#PROPERTY}.
         *
         * @param backend the backend
         * @return this builder
         */
        public Builder backend(Backend backend) {
            this.backend = Objects.requireNonNull(backend, "backend");
            return this;
        }

        /**
         * Uses another image for the container backend (default {@value CorosyncContainer#DEFAULT_IMAGE_NAME}).
         * With an image, {@link Backend#AUTO} means the container backend, and the local one
         * is refused: when the class starts if the system property selects it, at
         * {@link #build()} if {@link #backend(Backend)} does.
         *
         * @param image an image with {@code /usr/sbin/corosync}
         * @return this builder
         * @throws IllegalArgumentException for a name Docker does not take
         */
        public Builder image(String image) {
            DockerImageName parsed = DockerImageName.parse(Objects.requireNonNull(image, "image"));
            parsed.assertValid(); // a bad name fails here, not when a test class starts
            this.image = parsed;
            return this;
        }

        /**
         * Builds the extension; the configuration (and a random cluster name) is fixed here.
         *
         * @return the extension
         * @throws IllegalArgumentException for both a complete configuration and individual
         *     settings, for an image with the local backend, or an invalid configuration
         */
        public CorosyncExtension build() {
            if (fullConfig != null && individualSetting != null) {
                throw new IllegalArgumentException("both config(...) and " + individualSetting
                        + "(...): the complete configuration would drop the individual setting; use one or the other");
            }
            if (image != null && backend == Backend.LOCAL) {
                throw new IllegalArgumentException("image(" + image + ") is for the container backend, and the backend is LOCAL");
            }
            return new CorosyncExtension(fullConfig != null ? fullConfig : config.build(), backend, image);
        }

        private void individual(String setting) {
            if (individualSetting == null) {
                individualSetting = setting;
            }
        }
    }
}
