package io.jcmap.protocol.cmap;

/**
 * corosync's {@code mar_name_t}: a uint16 length and a 256-byte value, each aligned to 8.
 *
 * <pre>
 *   0  uint16 length   (+6 padding)
 *   8  uint8  value[256]  (CS_MAX_NAME_LENGTH) NUL-padded
 * 264  end
 * </pre>
 * The server reads {@code value} as a C string and mostly ignores {@code length}, so at most 255
 * bytes are usable: the 256th must stay NUL.
 */
public final class NameDescriptor {
    public static final int LENGTH_OFFSET = 0;
    public static final int VALUE_OFFSET = 8;
    /** CS_MAX_NAME_LENGTH. */
    public static final int VALUE_CAPACITY = 256;
    /** CMAP_KEYNAME_MAXLEN: the longest name that still leaves room for the terminating NUL. */
    public static final int MAX_NAME_LENGTH = VALUE_CAPACITY - 1;
    public static final int LENGTH = VALUE_OFFSET + VALUE_CAPACITY;

    private NameDescriptor() {
    }
}
