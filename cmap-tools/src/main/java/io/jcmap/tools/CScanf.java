package io.jcmap.tools;

import java.math.BigInteger;

/**
 * glibc's {@code sscanf} for the four conversions corosync-cmapctl's {@code -s} uses:
 * {@code %ld} ({@code PRId64}), {@code %lu} ({@code PRIu64}), {@code %f} and {@code %lf}.
 *
 * <p>Each method returns null where sscanf would not return 1. What glibc accepts is reproduced
 * with its quirks: leading white space is skipped, trailing garbage ignored ({@code "12abc"} is
 * 12), integers saturate instead of failing, {@code %lu} accepts a minus sign and negates modulo
 * 2<sup>64</sup>, floats accept hexadecimal ({@code 0x1.8}), {@code inf}, {@code infinity} and
 * {@code nan} in any case (but not {@code nan(...)}'s payload), and an incomplete exponent
 * ({@code "1e"}, {@code "0x1p+"}) is read as no exponent.
 */
final class CScanf {
    private static final BigInteger UNSIGNED_MAX = BigInteger.ONE.shiftLeft(Long.SIZE).subtract(BigInteger.ONE);
    private static final BigInteger SIGNED_MAX = BigInteger.valueOf(Long.MAX_VALUE);
    private static final BigInteger SIGNED_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final int FLOAT_NEGATIVE_NAN = 0xffc00000;
    private static final long DOUBLE_NEGATIVE_NAN = 0xfff8000000000000L;
    private static final String NAN = "nan";
    private static final String INF = "inf";
    private static final String INFINITY_TAIL = "inity";

    private CScanf() {
    }

    /** {@return the value of {@code sscanf(text, "%ld")}, or null when it does not return 1} */
    static Long signed64(String text) {
        BigInteger value = integer(text);
        if (value == null) {
            return null;
        }
        return value.max(SIGNED_MIN).min(SIGNED_MAX).longValue();
    }

    /** {@return the bits of {@code sscanf(text, "%lu")}, or null when it does not return 1} */
    static Long unsigned64(String text) {
        BigInteger value = integer(text);
        if (value == null) {
            return null;
        }
        if (value.abs().compareTo(UNSIGNED_MAX) > 0) {
            return -1L; // strtoul saturates to ULONG_MAX, whatever the sign
        }
        return value.longValue(); // a negative value wraps modulo 2^64, as strtoul negates
    }

    /** {@return the value of {@code sscanf(text, "%f")}, or null when it does not return 1} */
    static Float float32(String text) {
        Number value = real(text, true);
        return value == null ? null : (Float) value;
    }

    /** {@return the value of {@code sscanf(text, "%lf")}, or null when it does not return 1} */
    static Double float64(String text) {
        Number value = real(text, false);
        return value == null ? null : (Double) value;
    }

    private static BigInteger integer(String text) {
        int at = skipSpace(text);
        int signAt = at;
        if (at < text.length() && isSign(text.charAt(at))) {
            at++;
        }
        int digitsAt = at;
        while (at < text.length() && isDigit(text.charAt(at))) {
            at++;
        }
        if (at == digitsAt) {
            return null;
        }
        BigInteger magnitude = new BigInteger(text.substring(digitsAt, at));
        return text.charAt(signAt) == '-' ? magnitude.negate() : magnitude;
    }

    private static Number real(String text, boolean single) {
        String collected = collectReal(text);
        return collected == null ? null : strtod(collected, single);
    }

    /**
     * The characters glibc's scanf collects for a floating-point conversion before handing them
     * to strtod, or null for a conversion failure during collection.
     */
    private static String collectReal(String text) {
        int at = skipSpace(text);
        if (at == text.length()) {
            return null;
        }
        StringBuilder collected = new StringBuilder();
        if (isSign(text.charAt(at))) {
            collected.append(text.charAt(at++));
            if (at == text.length()) {
                return null;
            }
        }
        char first = lower(text.charAt(at));
        if (first == 'n') {
            return expectWord(text, at, NAN) ? collected.append(NAN).toString() : null;
        }
        if (first == 'i') {
            return collectInfinity(text, at, collected);
        }
        return collectNumber(text, at, collected);
    }

    private static String collectInfinity(String text, int at, StringBuilder collected) {
        if (!expectWord(text, at, INF)) {
            return null;
        }
        int after = at + INF.length();
        if (after < text.length() && lower(text.charAt(after)) == 'i') {
            // once an 'i' follows "inf", glibc insists on the whole "infinity"
            if (!expectWord(text, after, INFINITY_TAIL)) {
                return null;
            }
        }
        return collected.append(INF).toString();
    }

    private static String collectNumber(String text, int start, StringBuilder collected) {
        int at = start;
        int signLength = collected.length();
        boolean hex = false;
        boolean gotDigit = false;
        boolean gotDot = false;
        boolean gotExponent = false;
        char exponent = 'e';
        if (text.charAt(at) == '0') {
            collected.append('0');
            at++;
            if (at < text.length() && lower(text.charAt(at)) == 'x') {
                collected.append('x');
                at++;
                hex = true;
                exponent = 'p';
            } else {
                gotDigit = true;
            }
        }
        for (; at < text.length(); at++) {
            char c = text.charAt(at);
            if (isDigit(c) || (!gotExponent && hex && isHexDigit(c))) {
                collected.append(c);
                gotDigit = true;
            } else if (gotExponent && collected.charAt(collected.length() - 1) == exponent && isSign(c)) {
                collected.append(c);
            } else if (gotDigit && !gotExponent && lower(c) == exponent) {
                collected.append(exponent);
                gotExponent = true;
                gotDot = true;
            } else if (!gotDot && c == '.') {
                collected.append(c);
                gotDot = true;
            } else {
                break;
            }
        }
        int length = collected.length() - signLength;
        if (length == 0 || (hex && length == 2)) {
            return null;
        }
        return collected.toString();
    }

    /** strtod/strtof on the collected text: its longest valid prefix, null when there is none. */
    private static Number strtod(String text, boolean single) {
        boolean negative = text.charAt(0) == '-';
        String body = isSign(text.charAt(0)) ? text.substring(1) : text;
        if (body.equals(NAN)) {
            if (single) {
                return negative ? Float.intBitsToFloat(FLOAT_NEGATIVE_NAN) : Float.NaN;
            }
            return negative ? Double.longBitsToDouble(DOUBLE_NEGATIVE_NAN) : Double.NaN;
        }
        if (body.equals(INF)) {
            if (single) {
                return negative ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
            }
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        String literal = body.startsWith("0x") ? hexLiteral(body) : decimalLiteral(body);
        if (literal == null) {
            return null;
        }
        String signed = (negative ? "-" : "") + literal;
        return single ? (Number) Float.parseFloat(signed) : (Number) Double.parseDouble(signed);
    }

    /** A Java hexadecimal literal for the valid prefix of {@code 0x...}; "0" when only the 0 is valid. */
    private static String hexLiteral(String body) {
        int end = mantissaEnd(body, 2, true);
        if (end < 0) {
            return "0";
        }
        return "0x" + body.substring(2, end) + "p" + exponent(body, end, 'p');
    }

    /**
     * Where the mantissa starting at {@code start} ends (digits with at most one dot), or -1 when
     * it has no digit at all.
     */
    private static int mantissaEnd(String body, int start, boolean hex) {
        int at = start;
        int digits = 0;
        boolean dot = false;
        for (; at < body.length(); at++) {
            char c = body.charAt(at);
            if (hex ? isHexDigit(c) : isDigit(c)) {
                digits++;
            } else if (c == '.' && !dot) {
                dot = true;
            } else {
                break;
            }
        }
        return digits == 0 ? -1 : at;
    }

    /** A Java decimal literal for the valid prefix, null when not even one digit is there. */
    private static String decimalLiteral(String body) {
        int at = mantissaEnd(body, 0, false);
        if (at < 0) {
            return null;
        }
        String mantissa = body.substring(0, at);
        if (mantissa.startsWith(".")) {
            mantissa = "0" + mantissa;
        }
        return mantissa + "e" + exponent(body, at, 'e');
    }

    /** The exponent at {@code at} if it is complete (marker, optional sign, a digit), else "0". */
    private static String exponent(String body, int at, char marker) {
        if (at >= body.length() || body.charAt(at) != marker) {
            return "0";
        }
        int digitsAt = at + 1;
        if (digitsAt < body.length() && isSign(body.charAt(digitsAt))) {
            digitsAt++;
        }
        int end = digitsAt;
        while (end < body.length() && isDigit(body.charAt(end))) {
            end++;
        }
        if (end == digitsAt) {
            return "0";
        }
        String exponent = body.substring(at + 1, end);
        return clampExponent(exponent);
    }

    /** Keeps huge exponents huge without overflowing Java's parser: the result is 0 or infinite anyway. */
    private static String clampExponent(String exponent) {
        boolean negative = exponent.startsWith("-");
        String digits = exponent.replaceFirst("^[+-]", "").replaceFirst("^0+(?=\\d)", "");
        final int maxDigits = 6;
        if (digits.length() > maxDigits) {
            digits = "9".repeat(maxDigits);
        }
        return (negative ? "-" : "") + digits;
    }

    private static boolean expectWord(String text, int at, String word) {
        if (at + word.length() > text.length()) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if (lower(text.charAt(at + i)) != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int skipSpace(String text) {
        int at = 0;
        while (at < text.length() && isSpace(text.charAt(at))) {
            at++;
        }
        return at;
    }

    /** C's isspace in the C locale. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000b' || c == '\f' || c == '\r';
    }

    private static boolean isSign(char c) {
        return c == '+' || c == '-';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isHexDigit(char c) {
        return isDigit(c) || (lower(c) >= 'a' && lower(c) <= 'f');
    }

    /** ASCII-only lower case, as C's tolower in the C locale. */
    private static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }
}
