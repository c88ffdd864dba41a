package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/** A listener is given the handle the application holds (decision 0036), not the one under it. */
class FrontShownToListenersTest {
    private static final String KEY = "test.front";

    @Test
    void aListenerIsGivenTheApplicationsHandleAndItsContext() {
        ScriptedCmapServer server = new ScriptedCmapServer(0x1000);
        try (CmapHandle handle = Cmap.open(CmapMap.ICMAP, CmapOptions.builder().build(), false, any -> server)) {
            Object context = new Object();
            handle.setContext(context);
            AtomicReference<CmapHandle> given = new AtomicReference<>();
            AtomicReference<Object> seenContext = new AtomicReference<>();
            handle.trackAdd(KEY, EnumSet.of(TrackEvent.DELETE), (of, notification) -> {
                given.set(of);
                seenContext.set(of.context());
            });
            server.change(KEY);
            assertEquals(1, handle.dispatch(DispatchType.ALL));
            assertSame(handle, given.get(), "the listener's handle");
            assertSame(context, seenContext.get(), "the context seen through the listener's handle");
        }
    }
}
