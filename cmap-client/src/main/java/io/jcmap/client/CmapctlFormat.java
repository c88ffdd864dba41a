package io.jcmap.client;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * Text exactly as corosync-cmapctl 3.1.7 ({@code tools/corosync-cmapctl.c}, {@code print_key})
 * prints keys and values, for tools that must produce the same output.
 *
 * <p>Integers print in decimal, unsigned types unsigned. FLOAT and DOUBLE print as C's
 * {@code %f}: the exact binary value rounded half-to-even to six decimals (glibc), {@code nan}
 * or {@code -nan} by the sign bit, {@code inf}, {@code -inf}, and {@code -0.000000} for negative
 * values that round to zero. Strings print as is. Binary values print in the {@code -b} form:
 * printable ASCII as is, a backslash doubled, every other byte as {@code \xHH}; bytes 0x80..0xFF
 * print as the sign-extended {@code \xFFFFFF80}..{@code \xFFFFFFFF}, as corosync-cmapctl does
 * where C's {@code char} is signed (x86_64, the reference platform; on aarch64 the C tool
 * prints {@code \x80}).
 */
public final class CmapctlFormat {
    private static final int FLOAT_DECIMALS = 6;
    private static final int FIRST_PRINTABLE = ' ';
    private static final int DEL = 0x7f;
    private static final int HEX_DIGITS = 2;

    private CmapctlFormat() {
    }

    /**
     * The value as corosync-cmapctl prints it after {@code " = "} (for binary values: with -b).
     *
     * @param value the value; not null
     * @return the text
     * @throws CmapException {@link CsError#INVALID_PARAM} for null
     */
    public static String value(CmapValue value) {
        return switch (requireValue(value)) {
            case CmapValue.Int8 v -> Byte.toString(v.value());
            case CmapValue.UInt8 v -> Integer.toString(v.value());
            case CmapValue.Int16 v -> Short.toString(v.value());
            case CmapValue.UInt16 v -> Integer.toString(v.value());
            case CmapValue.Int32 v -> Integer.toString(v.value());
            case CmapValue.UInt32 v -> Long.toString(v.value());
            case CmapValue.Int64 v -> Long.toString(v.value());
            case CmapValue.UInt64 v -> v.toUnsignedString();
            // C promotes a float argument to double; the promotion is exact.
            case CmapValue.Float32 v -> percentF(v.value());
            case CmapValue.Float64 v -> percentF(v.value());
            case CmapValue.Str v -> v.value();
            case CmapValue.Binary v -> binary(v.bytes());
        };
    }

    /**
     * One output line (without the newline) of corosync-cmapctl's listing, {@code -g} and
     * tracking output, e.g. {@code "totem.version (u32) = 2"}.
     *
     * <p>Without {@code showBinary} a binary key prints as {@code "key (bin)"}, without a value.
     * In quiet mode ({@code -q}) only the value prints, except that a binary key prints as
     * {@code "bin)"} or {@code "bin) = value"}, as the C tool does.
     *
     * @param keyName    the key; not null
     * @param value      the value; not null
     * @param showBinary corosync-cmapctl's {@code -b}
     * @param quiet      corosync-cmapctl's {@code -q}
     * @return the line
     * @throws CmapException {@link CsError#INVALID_PARAM} for a null key or value
     */
    public static String line(String keyName, CmapValue value, boolean showBinary, boolean quiet) {
        if (keyName == null) {
            throw new CmapException(CsError.INVALID_PARAM, "line: key name is null");
        }
        String typeName = requireValue(value).type().cmapctlName();
        StringBuilder line = new StringBuilder();
        if (!quiet) {
            line.append(keyName).append(" (");
        }
        if (value instanceof CmapValue.Binary) {
            line.append(typeName).append(')');
            if (showBinary) {
                line.append(" = ").append(value(value));
            }
        } else if (quiet) {
            line.append(value(value));
        } else {
            line.append(typeName).append(") = ").append(value(value));
        }
        return line.toString();
    }

    /**
     * What corosync-cmapctl prints before the line of a tracked change: {@code "create> "},
     * {@code "delete> "} or {@code "modify> "}; {@code "unknown change> "} for PREFIX, which
     * corosync never reports as an event.
     *
     * @param event the event; not null
     * @return the prefix
     * @throws CmapException {@link CsError#INVALID_PARAM} for null
     */
    public static String trackPrefix(TrackEvent event) {
        if (event == null) {
            throw new CmapException(CsError.INVALID_PARAM, "trackPrefix: event is null");
        }
        return switch (event) {
            case ADD -> "create> ";
            case DELETE -> "delete> ";
            case MODIFY -> "modify> ";
            case PREFIX -> "unknown change> ";
        };
    }

    /** C's {@code printf("%f", x)} with glibc. */
    static String percentF(double x) {
        boolean negative = (Double.doubleToRawLongBits(x) < 0);
        if (Double.isNaN(x)) {
            return negative ? "-nan" : "nan";
        }
        if (Double.isInfinite(x)) {
            return negative ? "-inf" : "inf";
        }
        // BigDecimal(double) is the exact binary value; glibc rounds that half-to-even.
        String digits = new BigDecimal(x).setScale(FLOAT_DECIMALS, RoundingMode.HALF_EVEN).toPlainString();
        return negative && !digits.startsWith("-") ? "-" + digits : digits;
    }

    private static String binary(byte[] bytes) {
        StringBuilder text = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            if (b >= FIRST_PRINTABLE && b < DEL && b != '\\') {
                text.append((char) b);
            } else if (b == '\\') {
                text.append("\\\\");
            } else {
                // %02X of a sign-extended char: negative bytes print eight hex digits.
                String hex = Integer.toHexString(b).toUpperCase(Locale.ROOT);
                text.append("\\x");
                text.append("0".repeat(Math.max(0, HEX_DIGITS - hex.length()))).append(hex);
            }
        }
        return text.toString();
    }

    private static CmapValue requireValue(CmapValue value) {
        if (value == null) {
            throw new CmapException(CsError.INVALID_PARAM, "value is null");
        }
        return value;
    }
}
