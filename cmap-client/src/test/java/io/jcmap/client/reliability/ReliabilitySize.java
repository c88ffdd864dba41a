package io.jcmap.client.reliability;

/**
 * How big the long-running reliability suites run. CI runs the small size; the full size of
 * issue #7 runs with {@code -Djcmap.reliability.size=full}. Single figures can be overridden:
 * {@code -Djcmap.reliability.cycles=N}, {@code -Djcmap.reliability.load.threads=N},
 * {@code -Djcmap.reliability.load.operations=N} (per thread).
 */
final class ReliabilitySize {
    static final String SIZE_PROPERTY = "jcmap.reliability.size";
    static final String CYCLES_PROPERTY = "jcmap.reliability.cycles";
    static final String LOAD_THREADS_PROPERTY = "jcmap.reliability.load.threads";
    static final String LOAD_OPERATIONS_PROPERTY = "jcmap.reliability.load.operations";

    private static final int CI_CYCLES = 2_000;
    private static final int FULL_CYCLES = 10_000;
    private static final int LOAD_THREADS = 16;
    private static final int CI_LOAD_OPERATIONS = 5_000;
    private static final int FULL_LOAD_OPERATIONS = 100_000;

    private ReliabilitySize() {
    }

    static boolean full() {
        return "full".equalsIgnoreCase(System.getProperty(SIZE_PROPERTY, "ci"));
    }

    /** Connect/close and track add/delete cycles of the leak suite. */
    static int cycles() {
        return positive(CYCLES_PROPERTY, full() ? FULL_CYCLES : CI_CYCLES);
    }

    /** Writer threads of the load suite. */
    static int loadThreads() {
        return positive(LOAD_THREADS_PROPERTY, LOAD_THREADS);
    }

    /** Operations per writer thread of the load suite. */
    static int loadOperations() {
        return positive(LOAD_OPERATIONS_PROPERTY, full() ? FULL_LOAD_OPERATIONS : CI_LOAD_OPERATIONS);
    }

    private static int positive(String property, int fallback) {
        String text = System.getProperty(property);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        int value = Integer.parseInt(text.strip());
        if (value <= 0) {
            throw new IllegalArgumentException(property + " must be positive, is " + value);
        }
        return value;
    }
}
