package io.jcmap.testkit;

/** A system property as it was, put back on close: tests that change it leave the JVM as they found it. */
final class SavedProperty implements AutoCloseable {
    private final String name;
    private final String value;

    private SavedProperty(String name) {
        this.name = name;
        this.value = System.getProperty(name);
    }

    /** Remembers {@code name}'s current value (or its absence). */
    static SavedProperty of(String name) {
        return new SavedProperty(name);
    }

    @Override
    public void close() {
        if (value == null) {
            System.clearProperty(name);
        } else {
            System.setProperty(name, value);
        }
    }
}
