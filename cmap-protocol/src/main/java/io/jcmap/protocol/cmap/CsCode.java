package io.jcmap.protocol.cmap;

/**
 * The cs_error_t numbers (corotypes.h) this layer produces or that CMAP servers answer with.
 * The typed enum belongs to the client; the codec carries plain numbers.
 */
public final class CsCode {
    public static final int OK = 1;
    /** Caller misuse of a codec object, e.g. reading a value a response does not carry. */
    public static final int LIBRARY = 2;
    public static final int TRY_AGAIN = 6;
    /** Bad argument given to an encoder (null, bad type, value length not matching its type...). */
    public static final int INVALID_PARAM = 7;
    public static final int NO_MEMORY = 8;
    public static final int BAD_HANDLE = 9;
    public static final int BUSY = 10;
    public static final int ACCESS = 11;
    public static final int NOT_EXIST = 12;
    /** Key name or prefix too long (or, for set, too short). */
    public static final int NAME_TOO_LONG = 13;
    public static final int NOT_SUPPORTED = 19;
    /** A received message that is malformed: every decoder failure uses this number. */
    public static final int MESSAGE_ERROR = 22;
    /** The message would not fit the destination buffer or the transport's maximum size. */
    public static final int TOO_BIG = 26;
    /** Iteration reached its end, or iter_init found no keys (server answer). */
    public static final int NO_SECTIONS = 27;

    private CsCode() {
    }
}
