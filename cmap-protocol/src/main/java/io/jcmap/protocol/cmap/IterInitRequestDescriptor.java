package io.jcmap.protocol.cmap;

/**
 * {@code struct req_lib_cmap_iter_init}.
 *
 * <pre>
 *   0  qb_ipc_request_header header  (16)
 *  16  mar_name_t prefix             (264) length 0 = iterate over every key
 * 280  end
 * </pre>
 */
public final class IterInitRequestDescriptor {
    public static final int PREFIX_OFFSET = RequestHeaderDescriptor.LENGTH;                  // 16
    public static final int LENGTH = PREFIX_OFFSET + NameDescriptor.LENGTH;                  // 280

    private IterInitRequestDescriptor() {
    }
}
