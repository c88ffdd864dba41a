package io.jcmap.protocol.cmap;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A decoded change notification, values copied out of the receive buffer. An absent value (no
 * old value for ADD, no new value for DELETE, no old value for some MODIFYs) has type
 * {@link CmapValueType#NONE} and an empty array. The arrays are copied in and out, so the record
 * is immutable.
 *
 * @param trackInstHandle the client's handle given at track_add (unsigned 64-bit)
 * @param keyName         the changed key
 * @param event           {@link CmapTrackType#ADD}, {@link CmapTrackType#DELETE} or
 *                        {@link CmapTrackType#MODIFY}, as sent
 * @param newType         type of the new value, 0 if none
 * @param newValue        the new value's bytes
 * @param oldType         type of the old value, 0 if none
 * @param oldValue        the old value's bytes
 */
public record NotifyEvent(long trackInstHandle, String keyName, int event,
                          int newType, byte[] newValue, int oldType, byte[] oldValue) {
    public NotifyEvent {
        Objects.requireNonNull(keyName, "keyName");
        newValue = newValue.clone();
        oldValue = oldValue.clone();
    }

    @Override
    public byte[] newValue() {
        return newValue.clone();
    }

    @Override
    public byte[] oldValue() {
        return oldValue.clone();
    }

    /** Whether the event carries a new value. */
    public boolean hasNewValue() {
        return newType != CmapValueType.NONE;
    }

    /** Whether the event carries an old value. */
    public boolean hasOldValue() {
        return oldType != CmapValueType.NONE;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NotifyEvent e
                && trackInstHandle == e.trackInstHandle
                && keyName.equals(e.keyName)
                && event == e.event
                && newType == e.newType
                && oldType == e.oldType
                && Arrays.equals(newValue, e.newValue)
                && Arrays.equals(oldValue, e.oldValue);
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(trackInstHandle, keyName, event, newType, oldType);
        return 31 * (31 * h + Arrays.hashCode(newValue)) + Arrays.hashCode(oldValue);
    }

    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return "NotifyEvent[trackInstHandle=" + Long.toUnsignedString(trackInstHandle)
                + ", keyName=" + keyName + ", event=" + event
                + ", newType=" + newType + ", newValue=" + hex.formatHex(newValue)
                + ", oldType=" + oldType + ", oldValue=" + hex.formatHex(oldValue) + "]";
    }
}
