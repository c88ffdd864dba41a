package io.jcmap.client;

/**
 * How a dispatch call delivers tracking notifications to their listeners: corosync's
 * {@code cs_dispatch_flags_t} with the numbers of {@code corotypes.h}, and the semantics of
 * {@code cmap_dispatch(3)}.
 *
 * <p>As in libcmap, a notification for a track deleted in the meantime is dropped without a
 * callback. Unlike libcmap, where such a message ends {@code CS_DISPATCH_ONE}, it does not count:
 * {@link #ONE} keeps waiting until a callback ran, and {@link #ONE_NONBLOCKING} looks at the next
 * notification (failing with TRY_AGAIN when only dropped ones were waiting).
 *
 * <p>A callback that closes the handle ends the dispatch, which returns the number of callbacks
 * that ran. libcmap's {@code cmap_dispatch} returns {@code CS_ERR_BAD_HANDLE} instead when a
 * callback called {@code cmap_finalize}, whatever the type; only a later dispatch on the closed
 * handle fails with BAD_HANDLE here.
 */
public enum DispatchType {
    /**
     * {@code CS_DISPATCH_ONE}: blocks until a notification arrives, runs its callback, then
     * returns. It returns earlier only when the handle is closed or the connection fails.
     */
    ONE(1),
    /**
     * {@code CS_DISPATCH_ALL}: runs the callbacks of every notification already waiting, then
     * returns; never blocks to wait for one. While another thread dispatches on the handle, it
     * returns 0 at once: a dispatch in {@link #ALL} or {@link #BLOCKING} there runs them, one in
     * {@link #ONE} or {@link #ONE_NONBLOCKING} runs one and leaves the rest waiting, the handle's
     * {@code fd()} readable, for the next dispatch.
     */
    ALL(2),
    /**
     * {@code CS_DISPATCH_BLOCKING}: runs callbacks as notifications arrive until the handle is
     * closed, from a callback or from another thread, then returns. Meant for a thread
     * dedicated to dispatching.
     */
    BLOCKING(3),
    /**
     * {@code CS_DISPATCH_ONE_NONBLOCKING}: runs the callback of at most one waiting
     * notification; when none is waiting, or another thread dispatches on the handle, fails at
     * once with {@link CsError#TRY_AGAIN}.
     */
    ONE_NONBLOCKING(4);

    private final int code;

    DispatchType(int code) {
        this.code = code;
    }

    /** {@return the {@code cs_dispatch_flags_t} number} */
    public int code() {
        return code;
    }

    /**
     * The dispatch type with this number.
     *
     * @param code a {@code cs_dispatch_flags_t} number
     * @return the dispatch type
     * @throws CmapException {@link CsError#INVALID_PARAM} for other numbers
     */
    public static DispatchType of(int code) {
        for (DispatchType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        throw new CmapException(CsError.INVALID_PARAM, "unknown dispatch type " + code);
    }
}
