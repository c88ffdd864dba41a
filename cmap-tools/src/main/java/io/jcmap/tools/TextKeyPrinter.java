package io.jcmap.tools;

import io.jcmap.client.CmapType;
import io.jcmap.client.CmapValue;
import io.jcmap.client.CmapctlFormat;
import io.jcmap.client.TrackEvent;

/** corosync-cmapctl's output, byte for byte. */
final class TextKeyPrinter implements KeyPrinter {
    private static final String PROMPT = "Type \"q\" to finish\n";

    private final Output out;
    private final boolean showBinary;
    private final boolean quiet;

    TextKeyPrinter(Output out, boolean showBinary, boolean quiet) {
        this.out = out;
        this.showBinary = showBinary;
        this.quiet = quiet;
    }

    @Override
    public void key(String key, CmapValue value) {
        if (value instanceof CmapValue.Binary && !showBinary) {
            hiddenBinary(key);
        } else {
            out.print(CmapctlFormat.line(key, value, showBinary, quiet) + "\n");
        }
    }

    @Override
    public void hiddenBinary(String key) {
        // quiet drops "key (" but not "bin)": the C tool's print_key does exactly that
        out.print((quiet ? "" : key + " (") + CmapType.BINARY.cmapctlName() + ")\n");
    }

    @Override
    public void change(TrackEvent event, String key, CmapValue value, CmapValue oldValue) {
        out.print(CmapctlFormat.trackPrefix(event));
        if (value == null) {
            // print_key with type 0 matches no case: only "key (" and the newline are printed
            out.print((quiet ? "" : key + " (") + "\n");
        } else {
            key(key, value);
        }
    }

    @Override
    public void trackingPrompt() {
        out.print(PROMPT);
    }

    @Override
    public boolean showsBinary() {
        return showBinary;
    }
}
