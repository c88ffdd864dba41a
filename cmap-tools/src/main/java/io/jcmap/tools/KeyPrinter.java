package io.jcmap.tools;

import io.jcmap.client.CmapValue;
import io.jcmap.client.TrackEvent;

/** How keys and tracked changes are written to standard output: corosync-cmapctl's text, or JSON. */
interface KeyPrinter {

    /**
     * One key with its value (corosync-cmapctl's {@code print_key}).
     *
     * @param key   the key
     * @param value its value
     */
    void key(String key, CmapValue value);

    /**
     * A binary key whose value is not shown (no {@code -b}); never called in JSON mode.
     *
     * @param key the key
     */
    void hiddenBinary(String key);

    /**
     * A tracked change.
     *
     * @param event    ADD, MODIFY or DELETE
     * @param key      the key
     * @param value    what corosync-cmapctl prints: the new value, the old one for DELETE; null if absent
     * @param oldValue the old value of a MODIFY, null when absent
     */
    void change(TrackEvent event, String key, CmapValue value, CmapValue oldValue);

    /** The line that starts a tracking session. */
    void trackingPrompt();

    /** {@return whether binary values must be fetched: with -b, or always in JSON} */
    boolean showsBinary();
}
