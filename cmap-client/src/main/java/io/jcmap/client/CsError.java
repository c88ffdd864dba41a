package io.jcmap.client;

import java.util.Optional;

/**
 * corosync's {@code cs_error_t}: the result code of every CMAP operation, with the numbers of
 * corosync 3.1.7's {@code corotypes.h}.
 *
 * <p>{@link #OK} is included because the numbering must match the C enum; an exception never
 * carries it.
 */
public enum CsError {
    /** {@code CS_OK}: success. */
    OK(1),
    /** {@code CS_ERR_LIBRARY}: a failure inside the client library or its connection. */
    LIBRARY(2),
    /** {@code CS_ERR_VERSION}. */
    VERSION(3),
    /** {@code CS_ERR_INIT}. */
    INIT(4),
    /** {@code CS_ERR_TIMEOUT}: the operation did not complete in time. */
    TIMEOUT(5),
    /** {@code CS_ERR_TRY_AGAIN}: transient failure, retry later. */
    TRY_AGAIN(6),
    /** {@code CS_ERR_INVALID_PARAM}: an argument was rejected. */
    INVALID_PARAM(7),
    /** {@code CS_ERR_NO_MEMORY}. */
    NO_MEMORY(8),
    /** {@code CS_ERR_BAD_HANDLE}: the handle (or iterator/track handle) is not valid. */
    BAD_HANDLE(9),
    /** {@code CS_ERR_BUSY}. */
    BUSY(10),
    /** {@code CS_ERR_ACCESS}: permission denied, e.g. writing a read-only key. */
    ACCESS(11),
    /** {@code CS_ERR_NOT_EXIST}: no such key. */
    NOT_EXIST(12),
    /** {@code CS_ERR_NAME_TOO_LONG}: key name too short, too long or with bad characters. */
    NAME_TOO_LONG(13),
    /** {@code CS_ERR_EXIST}. */
    EXIST(14),
    /** {@code CS_ERR_NO_SPACE}: a buffer is too small for the value. */
    NO_SPACE(15),
    /** {@code CS_ERR_INTERRUPT}: the calling thread was interrupted (decision 0035). */
    INTERRUPT(16),
    /** {@code CS_ERR_NAME_NOT_FOUND}. */
    NAME_NOT_FOUND(17),
    /** {@code CS_ERR_NO_RESOURCES}. */
    NO_RESOURCES(18),
    /** {@code CS_ERR_NOT_SUPPORTED}. */
    NOT_SUPPORTED(19),
    /** {@code CS_ERR_BAD_OPERATION}. */
    BAD_OPERATION(20),
    /** {@code CS_ERR_FAILED_OPERATION}. */
    FAILED_OPERATION(21),
    /** {@code CS_ERR_MESSAGE_ERROR}: a malformed message was received. */
    MESSAGE_ERROR(22),
    /** {@code CS_ERR_QUEUE_FULL}. */
    QUEUE_FULL(23),
    /** {@code CS_ERR_QUEUE_NOT_AVAILABLE}. */
    QUEUE_NOT_AVAILABLE(24),
    /** {@code CS_ERR_BAD_FLAGS}. */
    BAD_FLAGS(25),
    /** {@code CS_ERR_TOO_BIG}: a message exceeds the negotiated size. */
    TOO_BIG(26),
    /** {@code CS_ERR_NO_SECTIONS}. */
    NO_SECTIONS(27),
    /** {@code CS_ERR_CONTEXT_NOT_FOUND}. */
    CONTEXT_NOT_FOUND(28),
    /** {@code CS_ERR_TOO_MANY_GROUPS}. (corosync has no value 29.) */
    TOO_MANY_GROUPS(30),
    /** {@code CS_ERR_SECURITY}: the peer failed an authentication check. */
    SECURITY(100);

    private static final String ERR_PREFIX = "CS_ERR_";
    /** Every constant, once: {@code values()} copies its array at each call, and each failed answer looks up its code. */
    private static final CsError[] ALL = values();

    private final int code;

    CsError(int code) {
        this.code = code;
    }

    /** {@return the {@code cs_error_t} number, e.g. 12 for {@link #NOT_EXIST}} */
    public int code() {
        return code;
    }

    /** {@return the C constant's name: {@code "CS_OK"} for {@link #OK}, else e.g. {@code "CS_ERR_NOT_EXIST"}} */
    public String cName() {
        return this == OK ? "CS_OK" : ERR_PREFIX + name();
    }

    /**
     * {@return the text corosync's {@code cs_strerror()} gives} corosync-cmapctl prints it after
     * "Error ". It is {@code "success"} for {@link #OK}, otherwise the same as {@link #cName()}.
     */
    public String csStrerror() {
        return this == OK ? "success" : cName();
    }

    /**
     * The constant with this number, or {@link #LIBRARY} when the number is not a
     * {@code cs_error_t} (libcmap passes such numbers through unchanged; we cannot, so
     * {@link CmapException#ofCode(int, String)} keeps the raw number in its message).
     *
     * @param code a {@code cs_error_t} number
     * @return the matching constant, or {@link #LIBRARY} for unknown numbers
     */
    public static CsError of(int code) {
        CsError error = known(code);
        return error != null ? error : LIBRARY;
    }

    /**
     * The constant with this number, if there is one.
     *
     * @param code a {@code cs_error_t} number
     * @return the matching constant, or empty for numbers corosync does not define
     */
    public static Optional<CsError> lookup(int code) {
        return Optional.ofNullable(known(code));
    }

    /** The constant with this number, or null. */
    private static CsError known(int code) {
        for (CsError error : ALL) {
            if (error.code == code) {
                return error;
            }
        }
        return null;
    }

    /**
     * Maps a Linux errno as libcmap's {@code qb_to_cs_error()} (corosync
     * {@code common_lib/error_conversion.c}) maps libqb's negative-errno results.
     *
     * <p>Accepts the errno either positive (as {@code errno} holds it) or negated (as libqb
     * returns it); 0 means success and gives {@link #OK}. Numbers the C function does not list
     * (including {@code ECONNREFUSED} and {@code ENOTCONN}) give {@link #LIBRARY}.
     *
     * @param errno a Linux errno value, positive or negated
     * @return the {@code cs_error_t} libcmap would report
     */
    public static CsError fromErrno(int errno) {
        int positive = Math.abs(errno);
        return switch (positive) {
            case 0 -> OK;
            case LinuxErrno.EBADF -> BAD_HANDLE;
            case LinuxErrno.ENOMEM -> NO_MEMORY;
            case LinuxErrno.ENOMSG, LinuxErrno.ENOBUFS, LinuxErrno.ETIMEDOUT, LinuxErrno.EAGAIN -> TRY_AGAIN;
            case LinuxErrno.EBADE -> FAILED_OPERATION;
            case LinuxErrno.ETIME -> TIMEOUT;
            case LinuxErrno.EINVAL -> INVALID_PARAM;
            case LinuxErrno.EBUSY -> BUSY;
            case LinuxErrno.EACCES -> ACCESS;
            case LinuxErrno.EOVERFLOW -> NAME_TOO_LONG;
            case LinuxErrno.EEXIST -> EXIST;
            case LinuxErrno.ENOSPC -> NO_SPACE;
            case LinuxErrno.EINTR -> INTERRUPT;
            case LinuxErrno.ENOENT, LinuxErrno.ENODEV -> NOT_EXIST;
            case LinuxErrno.ENOSYS, LinuxErrno.ENOTSUP -> NOT_SUPPORTED;
            case LinuxErrno.EBADMSG -> MESSAGE_ERROR;
            case LinuxErrno.EMSGSIZE, LinuxErrno.E2BIG -> TOO_BIG;
            default -> LIBRARY;
        };
    }
}
