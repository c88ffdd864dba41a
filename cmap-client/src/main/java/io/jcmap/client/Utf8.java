package io.jcmap.client;

/** Validation and sizing of string values, whose wire form is UTF-8. */
final class Utf8 {
    private static final int ONE_BYTE_LIMIT = 0x80;
    private static final int TWO_BYTE_LIMIT = 0x800;
    private static final int SURROGATE_PAIR_BYTES = 4;
    private static final int BMP_MAX_BYTES = 3;

    private Utf8() {
    }

    /** Rejects null, NUL characters and unpaired surrogates with INVALID_PARAM. */
    static void check(String text) {
        if (text == null) {
            throw invalid("string value is null");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\0') {
                throw invalid("string value has a NUL character at index " + i);
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw invalid("string value has an unpaired surrogate at index " + i);
            }
        }
    }

    /**
     * The UTF-8 length of a string that passed {@link #check(String)}.
     *
     * @throws CmapException {@link CsError#TOO_BIG} when it exceeds {@link Integer#MAX_VALUE}
     */
    static int length(String text) {
        return checkedLength(longLength(text));
    }

    /**
     * A UTF-8 length as an int, or TOO_BIG. A string within Java's own length limit can exceed
     * 2 GiB in UTF-8 (716 million 3-byte chars suffice), and no array or message holds that.
     */
    static int checkedLength(long bytes) {
        if (bytes > Integer.MAX_VALUE) {
            throw new CmapException(CsError.TOO_BIG, "string value of " + bytes
                    + " UTF-8 bytes exceeds the limit of " + Integer.MAX_VALUE);
        }
        return (int) bytes;
    }

    private static long longLength(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < ONE_BYTE_LIMIT) {
                bytes++;
            } else if (c < TWO_BYTE_LIMIT) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += SURROGATE_PAIR_BYTES;
                i++;
            } else {
                bytes += BMP_MAX_BYTES;
            }
        }
        return bytes;
    }

    private static CmapException invalid(String what) {
        return new CmapException(CsError.INVALID_PARAM, what);
    }
}
