package io.jcmap.client;

import static io.jcmap.client.CmapAssertions.assertCmapError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CmapRecordsTest {
    @Test
    void notificationsAllowAbsentValues() {
        CmapNotification add = new CmapNotification(7, TrackEvent.ADD, "jt.a", CmapValue.uint8(1), null);
        assertEquals(7, add.trackHandle());
        assertEquals(TrackEvent.ADD, add.event());
        assertEquals("jt.a", add.key());
        assertEquals(CmapValue.uint8(1), add.newValue());
        assertNull(add.oldValue());
        CmapNotification delete = new CmapNotification(7, TrackEvent.DELETE, "jt.a", null, CmapValue.uint8(1));
        assertNull(delete.newValue());
        assertEquals(CmapValue.uint8(1), delete.oldValue());
    }

    @Test
    void notificationsNeedEventAndKey() {
        assertCmapError(CsError.INVALID_PARAM, () -> new CmapNotification(1, null, "jt.a", null, null));
        assertCmapError(CsError.INVALID_PARAM, () -> new CmapNotification(1, TrackEvent.ADD, null, null, null));
        assertCmapError(CsError.INVALID_PARAM, () -> new CmapNotification(1, TrackEvent.PREFIX, "jt.a", null, null));
    }

    @Test
    void keyInfoValidatesItsFields() {
        CmapKeyInfo info = new CmapKeyInfo("totem.cluster_name", CmapType.STRING, 6);
        assertEquals("totem.cluster_name", info.name());
        assertEquals(CmapType.STRING, info.type());
        assertEquals(6, info.length());
        assertCmapError(CsError.INVALID_PARAM, () -> new CmapKeyInfo(null, CmapType.STRING, 6));
        assertCmapError(CsError.INVALID_PARAM, () -> new CmapKeyInfo("a.b", null, 6));
        assertCmapError(CsError.INVALID_PARAM, () -> new CmapKeyInfo("a.b", CmapType.BINARY, -1));
    }

    @Test
    void listenersAreLambdas() {
        List<CmapNotification> seen = new ArrayList<>();
        CmapListener listener = (handle, notification) -> seen.add(notification);
        CmapNotification change = new CmapNotification(3, TrackEvent.MODIFY, "jt.m", CmapValue.int32(2), null);
        listener.onNotification(null, change);
        assertEquals(List.of(change), seen);
    }
}
