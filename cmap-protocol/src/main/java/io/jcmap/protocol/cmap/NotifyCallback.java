package io.jcmap.protocol.cmap;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;

/**
 * Reusable reader of a change notification ({@link NotifyCallbackDescriptor}) received on the
 * event channel. The header's error field is not examined (the server always sends OK and
 * libcmap ignores it), nor is the event number.
 */
public final class NotifyCallback {
    private static final String KEY = "notification key name";

    private MemorySegment msg;
    private int newType;
    private int oldType;
    private long newLength;
    private long oldLength;

    /**
     * Decodes one notification into a record, values copied.
     *
     * @throws CodecException MESSAGE_ERROR as {@link #wrap}
     */
    public static NotifyEvent decode(MemorySegment msg, long length) {
        return new NotifyCallback().wrap(msg, length).toEvent();
    }

    /**
     * @param msg    buffer holding the message at offset 0
     * @param length number of bytes received
     * @throws CodecException MESSAGE_ERROR for a short message, a size field not equal to
     *                        {@code length}, an id other than 9, a bad key name, value lengths
     *                        that do not exactly fill the bytes after the fixed part, a type
     *                        outside 0..12, or type 0 with a non-empty value
     */
    public NotifyCallback wrap(MemorySegment msg, long length) {
        this.msg = null;
        ResponseFrame.checkHeader(msg, length);
        int id = ResponseFrame.id(msg);
        if (id != CmapResponseId.NOTIFY_CALLBACK) {
            throw CodecException.malformed("expected notification id " + CmapResponseId.NOTIFY_CALLBACK + ", got " + id);
        }
        if (length < NotifyCallbackDescriptor.LENGTH) {
            throw CodecException.malformed("notification of " + length + " bytes is shorter than its "
                    + NotifyCallbackDescriptor.LENGTH + "-byte fixed part");
        }
        NameField.validate(msg, NotifyCallbackDescriptor.KEY_NAME_OFFSET, KEY);
        long area = length - NotifyCallbackDescriptor.LENGTH;
        long newLen = ResponseFrame.boundedLength(msg, NotifyCallbackDescriptor.NEW_VALUE_LEN_OFFSET, area, "new_value_len");
        long oldLen = ResponseFrame.boundedLength(msg, NotifyCallbackDescriptor.OLD_VALUE_LEN_OFFSET, area - newLen,
                "old_value_len");
        if (newLen + oldLen != area) {
            throw CodecException.malformed("values of " + newLen + " + " + oldLen + " bytes do not fill the "
                    + area + " bytes after the fixed part");
        }
        newType = checkedType(msg, NotifyCallbackDescriptor.NEW_VALUE_TYPE_OFFSET, newLen, "new");
        oldType = checkedType(msg, NotifyCallbackDescriptor.OLD_VALUE_TYPE_OFFSET, oldLen, "old");
        newLength = newLen;
        oldLength = oldLen;
        this.msg = msg;
        return this;
    }

    /** The client's handle given at track_add (unsigned 64-bit). */
    public long trackInstHandle() {
        return wrapped().get(JAVA_LONG_UNALIGNED, NotifyCallbackDescriptor.TRACK_INST_HANDLE_OFFSET);
    }

    /** The event: ADD, DELETE or MODIFY ({@link CmapTrackType}). */
    public int event() {
        return wrapped().get(JAVA_INT_UNALIGNED, NotifyCallbackDescriptor.EVENT_OFFSET);
    }

    /** The key name's length in bytes. */
    public int keyNameLength() {
        return NameField.length(wrapped(), NotifyCallbackDescriptor.KEY_NAME_OFFSET);
    }

    public String keyName() {
        return NameField.read(wrapped(), NotifyCallbackDescriptor.KEY_NAME_OFFSET, KEY);
    }

    /** Type of the new value, 0 if there is none. */
    public int newValueType() {
        wrapped();
        return newType;
    }

    /** Type of the old value, 0 if there is none. */
    public int oldValueType() {
        wrapped();
        return oldType;
    }

    public long newValueLength() {
        wrapped();
        return newLength;
    }

    public long oldValueLength() {
        wrapped();
        return oldLength;
    }

    /** The new value's bytes as a slice of the wrapped buffer. */
    public MemorySegment newValue() {
        return wrapped().asSlice(NotifyCallbackDescriptor.NEW_VALUE_OFFSET, newLength);
    }

    /** The old value's bytes (right after the new value) as a slice of the wrapped buffer. */
    public MemorySegment oldValue() {
        return wrapped().asSlice(NotifyCallbackDescriptor.NEW_VALUE_OFFSET + newLength, oldLength);
    }

    /** A copy of the notification. */
    public NotifyEvent toEvent() {
        return new NotifyEvent(trackInstHandle(), keyName(), event(),
                newType, newValue().toArray(JAVA_BYTE), oldType, oldValue().toArray(JAVA_BYTE));
    }

    private MemorySegment wrapped() {
        return ResponseFrame.requireWrapped(msg);
    }

    private static int checkedType(MemorySegment msg, long offset, long valueLength, String which) {
        int type = ResponseFrame.type(msg, offset);
        if (type != CmapValueType.NONE && !CmapValueType.isValid(type)) {
            throw CodecException.malformed(which + " value type " + type + " is not one of 0..12");
        }
        if (type == CmapValueType.NONE && valueLength != 0) {
            throw CodecException.malformed(which + " value has no type but " + valueLength + " bytes");
        }
        return type;
    }
}
