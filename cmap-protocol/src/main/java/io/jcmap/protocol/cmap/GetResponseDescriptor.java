package io.jcmap.protocol.cmap;

/**
 * {@code struct res_lib_cmap_get}, followed by the value area.
 *
 * <pre>
 *   0  qb_ipc_response_header header  (24)
 *  24  mar_size_t value_len           actual length of the stored value
 *  32  mar_uint8_t type               (+7 padding)
 *  40  uint8 value[]                  area of the length the client REQUESTED
 * </pre>
 * On success the server sends {@code 40 + requested} bytes (header.size says so), whatever the
 * actual value length; on error it sends the 40-byte fixed part only.
 */
public final class GetResponseDescriptor {
    public static final int VALUE_LEN_OFFSET = ResponseHeaderDescriptor.LENGTH;             // 24
    public static final int TYPE_OFFSET = VALUE_LEN_OFFSET + 8;                              // 32
    public static final int VALUE_OFFSET = TYPE_OFFSET + 8;                                  // 40
    /** Length without the value area. */
    public static final int LENGTH = VALUE_OFFSET;                                           // 40

    private GetResponseDescriptor() {
    }
}
