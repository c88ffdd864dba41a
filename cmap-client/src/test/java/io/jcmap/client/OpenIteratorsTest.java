package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Which iterators a handle's writes tell (decision 0004): the open ones only. A write tells them
 * only while {@link OpenIterators#any} says one may be open, so an iterator that is closed, run
 * to its end or dropped unclosed must leave the list, or every later write pays for it.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OpenIteratorsTest {
    /** Lists twelve keys ("it.12.ka" ... "it.12.kl"), more than one call fetches. */
    private static final String PREFIX = "it.12.";

    private ConnectedHandle handle;

    @BeforeEach
    void open() {
        ScriptedCmapServer server = new ScriptedCmapServer(0x1000);
        handle = new ConnectedHandle(CmapMap.ICMAP, CmapOptions.builder().build(), false, options -> server);
    }

    @AfterEach
    void close() {
        handle.close();
    }

    @Test
    void aClosedIteratorIsForgottenAtOnce() {
        CmapIterator keys = handle.iterate(PREFIX);
        keys.next();
        assertTrue(handle.openIterators().any(), "an open iterator is listed");

        keys.close();

        assertFalse(handle.openIterators().any());
    }

    @Test
    void anIteratorRunToItsEndIsForgotten() {
        CmapIterator keys = handle.iterate(PREFIX);
        int listed = 0;
        while (keys.hasNext()) {
            keys.next();
            listed++;
        }

        assertEquals(12, listed);
        assertFalse(handle.openIterators().any());
    }

    @Test
    void anIteratorDroppedUnclosedIsForgottenAtTheNextWrite() {
        WeakReference<CmapIterator> dropped = openAndDrop();
        Waits.until(() -> {
            System.gc();
            return dropped.refersTo(null);
        }, "the dropped iterator collected");

        handle.setUint32("w.1", 1);

        assertFalse(handle.openIterators().any(), "a write after the drop still finds an iterator listed");
    }

    @Test
    void aDroppedIteratorLeavesTheOpenOnesListed() {
        CmapIterator kept = handle.iterate(PREFIX);
        WeakReference<CmapIterator> dropped = openAndDrop();
        Waits.until(() -> {
            System.gc();
            return dropped.refersTo(null);
        }, "the dropped iterator collected");

        handle.delete("w.2");

        assertTrue(handle.openIterators().any(), "the iterator still open was forgotten with the dropped one");
        kept.close();
        assertFalse(handle.openIterators().any());
    }

    /** An iterator that has handed out one key, referenced by nothing but the returned weak reference. */
    private WeakReference<CmapIterator> openAndDrop() {
        CmapIterator keys = handle.iterate(PREFIX);
        keys.next();
        return new WeakReference<>(keys);
    }
}
