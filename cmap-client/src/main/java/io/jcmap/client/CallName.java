package io.jcmap.client;

/**
 * How an error message names a call: {@code get(totem.token)}. Characters one cannot see in a
 * log are escaped in the key, so that a stray carriage return from a CRLF file or a byte order
 * mark shows where it is, and a newline cannot split the log line. Keys corosync accepts are
 * never escaped: they are letters, digits and {@code . _ - / :}.
 */
final class CallName {
    private CallName() {
    }

    /** {@code operation(key)}, or just {@code operation} for a call without a key. */
    static String of(String operation, String key) {
        return key == null ? operation : operation + "(" + printable(key) + ")";
    }

    /** {@code text} itself, or, if it holds a character {@link #needsEscape}, an escaped copy. */
    static String printable(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (needsEscape(text, i)) {
                return escaped(text);
            }
        }
        return text;
    }

    private static String escaped(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!needsEscape(text, i)) {
                out.append(c);
            } else {
                switch (c) {
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    case '\0' -> out.append("\\0");
                    case '\\' -> out.append("\\\\");
                    default -> out.append(String.format("\\u%04x", (int) c));
                }
            }
        }
        return out.toString();
    }

    /**
     * Controls, invisible formatting (byte order mark, zero-width space), line and paragraph
     * separators, surrogates without their pair (printed as '?'), and the backslash, which
     * keeps the escaped form unambiguous.
     */
    private static boolean needsEscape(String text, int index) {
        char c = text.charAt(index);
        if (c == '\\' || Character.isISOControl(c)) {
            return true;
        }
        return switch (Character.getType(c)) {
            case Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> true;
            case Character.SURROGATE -> !paired(text, index);
            default -> false;
        };
    }

    private static boolean paired(String text, int index) {
        char c = text.charAt(index);
        if (Character.isHighSurrogate(c)) {
            return index + 1 < text.length() && Character.isLowSurrogate(text.charAt(index + 1));
        }
        return index > 0 && Character.isHighSurrogate(text.charAt(index - 1));
    }
}
