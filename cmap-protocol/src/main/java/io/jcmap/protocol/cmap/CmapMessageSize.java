package io.jcmap.protocol.cmap;

/**
 * Size rules for the two variable-length exchanges, checked against the transport's maximum
 * message size (libqb's negotiated buffer size) before anything is sent: a SET request grows
 * with its value, and a GET response grows with the value length the client requests, not
 * with the stored value's length.
 */
public final class CmapMessageSize {
    /** Largest requested GET value length whose response size still fits an int32. */
    public static final long MAX_GET_VALUE_LENGTH = Integer.MAX_VALUE - GetResponseDescriptor.LENGTH;
    /** corosync's ICMAP_MAX_VALUE_LEN: a SET of a longer value it refuses with INVALID_PARAM. */
    public static final long MAX_ACCEPTED_VALUE_LENGTH = 16 * 1024;
    /**
     * The longest value corosync stores: it refuses a value longer than ICMAP_MAX_VALUE_LEN
     * (16 KiB, in corosync 2 and 3) with INVALID_PARAM, but checks a string's length before it
     * appends the terminating NUL, so a string of 16,384 characters is stored, answered and
     * notified as 16,385 bytes. No GET answer carries more.
     */
    public static final long MAX_STORED_VALUE_LENGTH = MAX_ACCEPTED_VALUE_LENGTH + 1;
    /** The longest request libcmap sends (its IPC_REQUEST_SIZE); it refuses a longer one with TOO_BIG. */
    public static final int LIBCMAP_MAX_REQUEST_LENGTH = 8192 * 128;
    /** The longest notification: a key's new and old values, each the longest corosync stores. */
    public static final long LONGEST_NOTIFICATION_LENGTH = NotifyCallbackDescriptor.LENGTH + 2 * MAX_STORED_VALUE_LENGTH;

    private CmapMessageSize() {
    }

    /** Length of a SET request carrying {@code valueLength} value bytes. */
    public static long setRequestLength(long valueLength) {
        return SetRequestDescriptor.LENGTH + valueLength;
    }

    /** Length of a successful GET response when {@code requestedValueLength} was requested. */
    public static long getResponseLength(long requestedValueLength) {
        return GetResponseDescriptor.LENGTH + requestedValueLength;
    }

    /**
     * Whether a SET of {@code valueLength} value bytes to a writable key of the default map gets
     * INVALID_PARAM through libcmap: it fits libcmap's request, and corosync refuses a value that
     * long. (corosync answers a read-only key with ACCESS first, and the stats map takes no
     * values.) A client whose messages are too short to send it can give the same answer.
     */
    public static boolean setRefusedByCorosync(long valueLength) {
        return valueLength > MAX_ACCEPTED_VALUE_LENGTH && setSentByLibcmap(valueLength);
    }

    /** Whether libcmap sends a SET of {@code valueLength} value bytes: it fits libcmap's request. */
    public static boolean setSentByLibcmap(long valueLength) {
        return valueLength <= LIBCMAP_MAX_REQUEST_LENGTH - SetRequestDescriptor.LENGTH;
    }

    /** The largest SET value that fits {@code maxRequestSize}, or -1 if not even the fixed part fits. */
    public static long maxSetValueLength(long maxRequestSize) {
        return maxRequestSize < SetRequestDescriptor.LENGTH ? -1 : maxRequestSize - SetRequestDescriptor.LENGTH;
    }

    /** The largest GET value length whose response fits {@code maxResponseSize}, or -1. */
    public static long maxGetValueLength(long maxResponseSize) {
        return maxResponseSize < GetResponseDescriptor.LENGTH
                ? -1 : Math.min(MAX_GET_VALUE_LENGTH, maxResponseSize - GetResponseDescriptor.LENGTH);
    }

    /**
     * @throws CodecException TOO_BIG if a SET request with {@code valueLength} value bytes would
     *                        exceed {@code maxRequestSize}; INVALID_PARAM for a negative length
     */
    public static void checkSetFits(long valueLength, long maxRequestSize) {
        requireNotNegative(valueLength);
        if (valueLength > maxSetValueLength(maxRequestSize)) {
            throw CodecException.tooBig("a " + valueLength + "-byte value plus the " + SetRequestDescriptor.LENGTH
                    + "-byte SET fixed part exceeds the maximum message size of " + maxRequestSize);
        }
    }

    /**
     * @throws CodecException TOO_BIG if the response to a GET requesting
     *                        {@code requestedValueLength} bytes would exceed
     *                        {@code maxResponseSize}; INVALID_PARAM for a negative length
     */
    public static void checkGetFits(long requestedValueLength, long maxResponseSize) {
        requireNotNegative(requestedValueLength);
        if (requestedValueLength > maxGetValueLength(maxResponseSize)) {
            throw CodecException.tooBig("requesting " + requestedValueLength + " value bytes plus the "
                    + GetResponseDescriptor.LENGTH + "-byte GET response fixed part exceeds the maximum message size of "
                    + maxResponseSize);
        }
    }

    private static void requireNotNegative(long length) {
        if (length < 0) {
            throw CodecException.invalidParam("value length " + length + " is negative");
        }
    }
}
