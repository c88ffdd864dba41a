package io.jcmap.tools;

/**
 * A minimal JSON (RFC 8259) writer for one flat object per line, or one bare value.
 *
 * <p>Strings are escaped as section 7 requires: quotation mark, reverse solidus and the control
 * characters U+0000..U+001F (with the short forms {@code \b \f \n \r \t} where they exist);
 * everything else is written as is, UTF-8 being the encoding of the output. A lone surrogate,
 * which has no UTF-8 form, is written as a {@code \\uXXXX} escape.
 */
final class Json {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final int CONTROL_LIMIT = 0x20;
    private static final int NIBBLE = 4;
    private static final int NIBBLE_MASK = 0xf;
    private static final int ESCAPE_DIGITS = 4;

    private final StringBuilder text = new StringBuilder();
    private boolean firstField = true;

    private Json() {
    }

    /** {@return a writer positioned inside a new object} */
    static Json object() {
        Json json = new Json();
        json.text.append('{');
        return json;
    }

    /**
     * Adds a string field.
     *
     * @param name  the field name
     * @param value the string
     * @return this writer
     */
    Json field(String name, String value) {
        name(name);
        quote(text, value);
        return this;
    }

    /**
     * Adds a field whose value is already JSON (a number, literal or quoted string).
     *
     * @param name the field name
     * @param json the value's JSON text
     * @return this writer
     */
    Json rawField(String name, String json) {
        name(name);
        text.append(json);
        return this;
    }

    /** {@return the finished object's text} */
    String close() {
        return text.append('}').toString();
    }

    private void name(String name) {
        if (!firstField) {
            text.append(',');
        }
        firstField = false;
        quote(text, name);
        text.append(':');
    }

    /**
     * A JSON string literal.
     *
     * @param value the string
     * @return the literal, quotes included
     */
    static String string(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2);
        quote(out, value);
        return out.toString();
    }

    private static void quote(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < CONTROL_LIMIT || isLoneSurrogate(value, i)) {
                        unicodeEscape(out, c);
                    } else {
                        out.append(c);
                        if (Character.isHighSurrogate(c)) {
                            out.append(value.charAt(++i)); // its low half: a valid pair
                        }
                    }
                }
            }
        }
        out.append('"');
    }

    private static boolean isLoneSurrogate(String value, int i) {
        char c = value.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1));
        }
        return Character.isLowSurrogate(c);
    }

    private static void unicodeEscape(StringBuilder out, char c) {
        out.append("\\u");
        for (int shift = (ESCAPE_DIGITS - 1) * NIBBLE; shift >= 0; shift -= NIBBLE) {
            out.append(HEX[(c >> shift) & NIBBLE_MASK]);
        }
    }
}
