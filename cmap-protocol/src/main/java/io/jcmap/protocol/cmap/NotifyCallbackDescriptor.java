package io.jcmap.protocol.cmap;

/**
 * {@code struct res_lib_cmap_notify_callback}, sent on the event channel, followed by the new
 * value and then directly (no padding) the old value.
 *
 * <pre>
 *   0  qb_ipc_response_header header  (24)
 *  24  mar_uint64_t track_inst_handle
 *  32  mar_name_t key_name            (264)
 * 296  mar_int32_t event              (+4 padding) CMAP_TRACK_ADD / DELETE / MODIFY
 * 304  mar_uint8_t new_value_type     (+7 padding) 0 = no new value
 * 312  mar_uint8_t old_value_type     (+7 padding) 0 = no old value
 * 320  mar_size_t new_value_len
 * 328  mar_size_t old_value_len
 * 336  uint8 new_value[new_value_len], then uint8 old_value[old_value_len]
 * </pre>
 * header.size = 336 + new_value_len + old_value_len.
 */
public final class NotifyCallbackDescriptor {
    public static final int TRACK_INST_HANDLE_OFFSET = ResponseHeaderDescriptor.LENGTH;     // 24
    public static final int KEY_NAME_OFFSET = TRACK_INST_HANDLE_OFFSET + 8;                  // 32
    public static final int EVENT_OFFSET = KEY_NAME_OFFSET + NameDescriptor.LENGTH;          // 296
    public static final int NEW_VALUE_TYPE_OFFSET = EVENT_OFFSET + 8;                        // 304
    public static final int OLD_VALUE_TYPE_OFFSET = NEW_VALUE_TYPE_OFFSET + 8;               // 312
    public static final int NEW_VALUE_LEN_OFFSET = OLD_VALUE_TYPE_OFFSET + 8;                // 320
    public static final int OLD_VALUE_LEN_OFFSET = NEW_VALUE_LEN_OFFSET + 8;                 // 328
    public static final int NEW_VALUE_OFFSET = OLD_VALUE_LEN_OFFSET + 8;                     // 336
    /** Length without the values. */
    public static final int LENGTH = NEW_VALUE_OFFSET;                                       // 336

    private NotifyCallbackDescriptor() {
    }
}
