package io.jcmap.protocol.cmap;

/** Value type numbers ({@code cmap_value_types_t}); 0 means "no value" in notifications. */
public final class CmapValueType {
    /** Not a value type: marks an absent value in a notification. */
    public static final int NONE = 0;
    public static final int INT8 = 1;
    public static final int UINT8 = 2;
    public static final int INT16 = 3;
    public static final int UINT16 = 4;
    public static final int INT32 = 5;
    public static final int UINT32 = 6;
    public static final int INT64 = 7;
    public static final int UINT64 = 8;
    public static final int FLOAT = 9;
    public static final int DOUBLE = 10;
    /** C string; stored by the server with a terminating NUL. */
    public static final int STRING = 11;
    public static final int BINARY = 12;

    /** What {@link #fixedLength} answers for STRING and BINARY. */
    public static final int VARIABLE_LENGTH = -1;

    private CmapValueType() {
    }

    /** Whether {@code type} is one of INT8..BINARY. */
    public static boolean isValid(int type) {
        return type >= INT8 && type <= BINARY;
    }

    /**
     * The exact value length the server requires for {@code type}, or {@link #VARIABLE_LENGTH}
     * for STRING and BINARY.
     *
     * @throws CodecException INVALID_PARAM if the type is not valid
     */
    public static int fixedLength(int type) {
        return switch (type) {
            case INT8, UINT8 -> Byte.BYTES;
            case INT16, UINT16 -> Short.BYTES;
            case INT32, UINT32, FLOAT -> Integer.BYTES;
            case INT64, UINT64, DOUBLE -> Long.BYTES;
            case STRING, BINARY -> VARIABLE_LENGTH;
            default -> throw CodecException.invalidParam("unknown cmap value type " + type);
        };
    }
}
