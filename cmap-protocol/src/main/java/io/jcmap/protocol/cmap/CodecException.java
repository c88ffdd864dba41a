package io.jcmap.protocol.cmap;

/**
 * A CMAP message could not be encoded or decoded. {@link #csError()} is the cs_error_t number
 * libcmap would have returned: {@link CsCode#NAME_TOO_LONG}, {@link CsCode#INVALID_PARAM} and
 * {@link CsCode#TOO_BIG} for refused encoder arguments, {@link CsCode#MESSAGE_ERROR} for a
 * malformed received message, {@link CsCode#LIBRARY} for reading a field a valid message does
 * not carry, and the server's own number when a body accessor is used on an error response.
 */
public final class CodecException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int csError;

    public CodecException(int csError, String message) {
        super(message);
        this.csError = csError;
    }

    /** The cs_error_t number describing the failure. */
    public int csError() {
        return csError;
    }

    static CodecException malformed(String message) {
        return new CodecException(CsCode.MESSAGE_ERROR, message);
    }

    static CodecException invalidParam(String message) {
        return new CodecException(CsCode.INVALID_PARAM, message);
    }

    static CodecException tooBig(String message) {
        return new CodecException(CsCode.TOO_BIG, message);
    }
}
