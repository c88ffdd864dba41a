package io.jcmap.tools;

import io.jcmap.client.CmapValue;
import io.jcmap.client.CmapctlFormat;
import io.jcmap.client.TrackEvent;

import java.util.Base64;
import java.util.Locale;

/**
 * {@code --json}: one JSON object per line. Keys print as
 * {@code {"key":"a.b","type":"u32","value":5}}; with {@code -q} only the value's JSON. Tracked
 * changes add {@code "event"} (create, modify, delete) and, when corosync sent one, the old value
 * of a modification as {@code "old_type"} and {@code "old_value"}.
 *
 * <p>Values: integers as JSON numbers (u64 unsigned); flt and dbl as the shortest decimal that
 * reads back as the same float or double, NaN and infinities as the strings {@code "NaN"},
 * {@code "Infinity"}, {@code "-Infinity"} (JSON has no numbers for them); str as a JSON string;
 * bin as a base64 string (RFC 4648, with padding), whether or not {@code -b} is given.
 */
final class JsonKeyPrinter implements KeyPrinter {
    private static final String NAN = "\"NaN\"";
    private static final String INFINITY = "\"Infinity\"";
    private static final String NEGATIVE_INFINITY = "\"-Infinity\"";

    private final Output out;
    private final boolean quiet;
    private final Output prompt;

    /**
     * A printer.
     *
     * @param out    standard output
     * @param quiet  {@code -q}: print bare values
     * @param prompt where the tracking prompt goes (standard error, so that standard output stays JSON)
     */
    JsonKeyPrinter(Output out, boolean quiet, Output prompt) {
        this.out = out;
        this.quiet = quiet;
        this.prompt = prompt;
    }

    @Override
    public void key(String key, CmapValue value) {
        out.print((quiet ? value(value) : Json.object().field("key", key)
                .field("type", value.type().cmapctlName())
                .rawField("value", value(value))
                .close()) + "\n");
    }

    @Override
    public void hiddenBinary(String key) {
        throw new IllegalStateException("JSON output always shows binary values");
    }

    @Override
    public void change(TrackEvent event, String key, CmapValue value, CmapValue oldValue) {
        Json json = Json.object().field("event", eventName(event)).field("key", key);
        if (value != null) {
            json.field("type", value.type().cmapctlName()).rawField("value", value(value));
        }
        if (event == TrackEvent.MODIFY && oldValue != null) {
            json.field("old_type", oldValue.type().cmapctlName()).rawField("old_value", value(oldValue));
        }
        out.print(json.close() + "\n");
    }

    @Override
    public void trackingPrompt() {
        prompt.print("Type \"q\" to finish\n");
    }

    @Override
    public boolean showsBinary() {
        return true;
    }

    /** The words corosync-cmapctl prints before "> ". */
    static String eventName(TrackEvent event) {
        return switch (event) {
            case ADD -> "create";
            case MODIFY -> "modify";
            case DELETE -> "delete";
            case PREFIX -> event.name().toLowerCase(Locale.ROOT);
        };
    }

    /** {@return the JSON text of a value} */
    static String value(CmapValue value) {
        return switch (value) {
            case CmapValue.Float32 v -> real(v.value(), Float.toString(v.value()));
            case CmapValue.Float64 v -> real(v.value(), Double.toString(v.value()));
            case CmapValue.Str v -> Json.string(v.value());
            case CmapValue.Binary v -> Json.string(Base64.getEncoder().encodeToString(v.bytes()));
            // integers: the same decimal text as corosync-cmapctl's, which is valid JSON
            default -> CmapctlFormat.value(value);
        };
    }

    /** Java's shortest round-trip form (JDK 19+) is valid JSON for finite values: "1.5", "1.0E10". */
    private static String real(double value, String shortest) {
        if (Double.isNaN(value)) {
            return NAN;
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? INFINITY : NEGATIVE_INFINITY;
        }
        return shortest;
    }
}
