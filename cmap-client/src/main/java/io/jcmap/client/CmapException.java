package io.jcmap.client;

import io.jcmap.protocol.cmap.CodecException;

import java.util.Objects;

/**
 * A failed CMAP operation or a rejected argument, carrying the corosync {@link CsError} that
 * libcmap would have returned.
 *
 * <p>The message always ends with the error's C name and number, so it reads like
 * {@code "get(totem.foo): CS_ERR_NOT_EXIST (12)"}; failures that came from the operating
 * system also name the errno, e.g. {@code "connect(cmap): CS_ERR_LIBRARY (2), errno 111
 * (ECONNREFUSED)"}. A key's characters that a log would not show (controls such as a carriage
 * return, a byte order mark) appear escaped, as in {@code "get(totem.token\r)"}.
 */
public class CmapException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The {@link #errno()} of exceptions that did not come from the operating system. */
    public static final int NO_ERRNO = 0;

    private final CsError error;
    private final int rawCode;
    private final int errno;
    private final String context;

    /**
     * An exception for {@code error}.
     *
     * @param error   the corosync error; not null, not {@link CsError#OK}
     * @param context what failed, e.g. {@code "get(totem.foo)"}; may be null or empty
     * @throws IllegalArgumentException for {@link CsError#OK}, which is no failure
     */
    public CmapException(CsError error, String context) {
        this(error, error(error).code(), NO_ERRNO, context, null);
    }

    /**
     * An exception for {@code error} caused by {@code cause}.
     *
     * @param error   the corosync error; not null, not {@link CsError#OK}
     * @param context what failed, e.g. {@code "get(totem.foo)"}; may be null or empty
     * @param cause   the underlying failure; may be null
     * @throws IllegalArgumentException for {@link CsError#OK}, which is no failure
     */
    public CmapException(CsError error, String context, Throwable cause) {
        this(error, error(error).code(), NO_ERRNO, context, cause);
    }

    /**
     * An exception for {@code error} that an operating-system failure with {@code errno} caused.
     * Use {@link #ofErrno(int, String, Throwable)} to derive the error from the errno as libcmap
     * does.
     *
     * @param error   the corosync error; not null, not {@link CsError#OK}
     * @param errno   the positive Linux errno, or {@link #NO_ERRNO}
     * @param context what failed; may be null or empty
     * @param cause   the underlying failure; may be null
     * @throws IllegalArgumentException for a negative errno: {@link #errno()} promises a
     *                                  positive one ({@link #ofErrno} takes libqb's negated form);
     *                                  for {@link CsError#OK}, which is no failure
     */
    public CmapException(CsError error, int errno, String context, Throwable cause) {
        this(error, error(error).code(), checkedErrno(errno), context, cause);
    }

    private CmapException(CsError error, int rawCode, int errno, String context, Throwable cause) {
        super(message(error, rawCode, errno, context), cause);
        this.error = error;
        this.rawCode = rawCode;
        this.errno = errno;
        this.context = context == null ? "" : context;
    }

    /**
     * An exception for a failure the OS reported as {@code errno}, with the {@link CsError}
     * libcmap's {@code qb_to_cs_error()} derives from it ({@link CsError#fromErrno(int)}).
     *
     * <p>{@link Integer#MIN_VALUE} has no positive form and is no errno: like any number that is
     * not an errno, it gives {@link CsError#LIBRARY}, and the exception has {@link #NO_ERRNO}. So
     * does 0, which reports no failure (an exception never carries {@link CsError#OK}).
     *
     * @param errno   the Linux errno, positive or negated as libqb returns it
     * @param context what failed; may be null or empty
     * @param cause   the underlying failure; may be null
     * @return the exception (not thrown)
     */
    public static CmapException ofErrno(int errno, String context, Throwable cause) {
        if (errno == Integer.MIN_VALUE || errno == NO_ERRNO) {
            // Math.abs would return it unchanged, breaking the promise of a positive errno()
            return new CmapException(CsError.LIBRARY, NO_ERRNO, context, cause);
        }
        int positive = Math.abs(errno);
        return new CmapException(CsError.fromErrno(positive), positive, context, cause);
    }

    /**
     * An exception for a {@code cs_error_t} number as the server sent it. A number corosync does
     * not define becomes {@link CsError#LIBRARY}, and the message and {@link #rawCode()} keep it;
     * so does {@code CS_OK} (1), which reports no failure (an exception never carries
     * {@link CsError#OK}).
     *
     * @param code    the {@code cs_error_t} number
     * @param context what failed; may be null or empty
     * @return the exception (not thrown)
     */
    public static CmapException ofCode(int code, String context) {
        CsError error = CsError.of(code);
        return new CmapException(error == CsError.OK ? CsError.LIBRARY : error, code, NO_ERRNO, context, null);
    }

    /** A codec's refusal of what {@code context} encodes or decodes, with the codec's error code. */
    static CmapException ofCodec(String context, CodecException failure) {
        return ofCode(failure.csError(), context + ": " + failure.getMessage());
    }

    /** {@return the corosync error; never null} */
    public CsError error() {
        return error;
    }

    /**
     * {@return the {@code cs_error_t} number as received} It equals {@code error().code()}
     * unless the server sent a number corosync does not define (see {@link #ofCode(int, String)}).
     */
    public int rawCode() {
        return rawCode;
    }

    /** {@return the positive Linux errno when the failure came from the operating system, else {@link #NO_ERRNO}} */
    public int errno() {
        return errno;
    }

    /** {@return what failed, as given when the exception was made; empty when none was given} */
    public String context() {
        return context;
    }

    private static CsError error(CsError error) {
        if (Objects.requireNonNull(error, "error") == CsError.OK) {
            throw new IllegalArgumentException("CS_OK is no failure: an exception carries an error");
        }
        return error;
    }

    private static int checkedErrno(int errno) {
        if (errno < 0) {
            throw new IllegalArgumentException("errno must be positive or NO_ERRNO (0), got " + errno
                    + "; CmapException.ofErrno takes a negated one");
        }
        return errno;
    }

    private static String message(CsError error, int rawCode, int errno, String context) {
        StringBuilder text = new StringBuilder();
        if (context != null && !context.isEmpty()) {
            text.append(context).append(": ");
        }
        text.append(error.cName()).append(" (").append(error.code()).append(')');
        if (rawCode == CsError.OK.code()) {
            text.append(" [CS_OK (1) given as a failure]");
        } else if (rawCode != error.code()) {
            text.append(" [unknown cs_error_t ").append(rawCode).append(']');
        }
        if (errno != NO_ERRNO) {
            text.append(", errno ").append(errno);
            String name = LinuxErrno.name(errno);
            if (name != null) {
                text.append(" (").append(name).append(')');
            }
        }
        return text.toString();
    }
}
