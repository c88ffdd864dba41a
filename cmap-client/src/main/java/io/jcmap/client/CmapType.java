package io.jcmap.client;

/**
 * The type of a CMAP value: corosync's {@code cmap_value_types_t} with the numbers of
 * {@code cmap.h}.
 */
public enum CmapType {
    /** {@code CMAP_VALUETYPE_INT8}: signed 8-bit integer. */
    INT8(1, Byte.BYTES, "i8"),
    /** {@code CMAP_VALUETYPE_UINT8}: unsigned 8-bit integer. */
    UINT8(2, Byte.BYTES, "u8"),
    /** {@code CMAP_VALUETYPE_INT16}: signed 16-bit integer. */
    INT16(3, Short.BYTES, "i16"),
    /** {@code CMAP_VALUETYPE_UINT16}: unsigned 16-bit integer. */
    UINT16(4, Short.BYTES, "u16"),
    /** {@code CMAP_VALUETYPE_INT32}: signed 32-bit integer. */
    INT32(5, Integer.BYTES, "i32"),
    /** {@code CMAP_VALUETYPE_UINT32}: unsigned 32-bit integer. */
    UINT32(6, Integer.BYTES, "u32"),
    /** {@code CMAP_VALUETYPE_INT64}: signed 64-bit integer. */
    INT64(7, Long.BYTES, "i64"),
    /** {@code CMAP_VALUETYPE_UINT64}: unsigned 64-bit integer. */
    UINT64(8, Long.BYTES, "u64"),
    /** {@code CMAP_VALUETYPE_FLOAT}: IEEE 754 single precision. */
    FLOAT(9, Float.BYTES, "flt"),
    /** {@code CMAP_VALUETYPE_DOUBLE}: IEEE 754 double precision. */
    DOUBLE(10, Double.BYTES, "dbl"),
    /** {@code CMAP_VALUETYPE_STRING}: C string (corosync stores it with a terminating NUL). */
    STRING(11, CmapType.VARIABLE_SIZE, "str"),
    /** {@code CMAP_VALUETYPE_BINARY}: bytes, NUL has no special meaning. */
    BINARY(12, CmapType.VARIABLE_SIZE, "bin");

    /** What {@link #fixedSize()} returns for {@link #STRING} and {@link #BINARY}. */
    public static final int VARIABLE_SIZE = -1;

    /** Every type, once: {@code values()} copies its array at each call, and a lookup runs per value read. */
    private static final CmapType[] ALL = values();

    private final int code;
    private final int fixedSize;
    private final String cmapctlName;

    CmapType(int code, int fixedSize, String cmapctlName) {
        this.code = code;
        this.fixedSize = fixedSize;
        this.cmapctlName = cmapctlName;
    }

    /** {@return the {@code cmap_value_types_t} number, e.g. 11 for {@link #STRING}} */
    public int code() {
        return code;
    }

    /** {@return the value's size in bytes for numeric types; {@link #VARIABLE_SIZE} for STRING and BINARY} */
    public int fixedSize() {
        return fixedSize;
    }

    /** {@return true for the numeric types, whose values always have {@link #fixedSize()} bytes} */
    public boolean isFixedSize() {
        return fixedSize != VARIABLE_SIZE;
    }

    /** {@return corosync-cmapctl's name for the type, as it prints it and accepts it with -s: "i8" … "bin"} */
    public String cmapctlName() {
        return cmapctlName;
    }

    /** Whether {@code code} names a fixed-size (numeric) type; no allocation, for hot paths. */
    static boolean isFixedSizeCode(int code) {
        return code >= INT8.code && code <= DOUBLE.code;
    }

    /**
     * The type with this number.
     *
     * @param code a {@code cmap_value_types_t} number
     * @return the type
     * @throws CmapException {@link CsError#INVALID_PARAM} when no type has this number
     */
    public static CmapType of(int code) {
        CmapType type = ofCode(code);
        if (type == null) {
            throw new CmapException(CsError.INVALID_PARAM, "unknown cmap value type " + code);
        }
        return type;
    }

    /** The type with this number, or null: for readers that refuse an unknown one in their own words. */
    static CmapType ofCode(int code) {
        for (CmapType type : ALL) {
            if (type.code == code) {
                return type;
            }
        }
        return null;
    }

    /**
     * The type corosync-cmapctl names so (exact, case-sensitive match as its
     * {@code convert_name_to_type} does).
     *
     * @param name "i8", "u8", "i16", "u16", "i32", "u32", "i64", "u64", "flt", "dbl", "str" or "bin"
     * @return the type
     * @throws CmapException {@link CsError#INVALID_PARAM} for null or any other name
     */
    public static CmapType fromCmapctlName(String name) {
        for (CmapType type : ALL) {
            if (type.cmapctlName.equals(name)) {
                return type;
            }
        }
        throw new CmapException(CsError.INVALID_PARAM, "unknown type name '" + name + "'");
    }
}
