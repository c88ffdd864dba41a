package io.jcmap.tools;

import io.jcmap.client.CmapText;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line as the bytes the C tool gets in {@code argv}. The JVM decodes it by the
 * locale (as ASCII under {@code LANG=C}) and turns what it cannot decode into '?' or U+FFFD, so
 * that {@code -s k str $'\xe9'} would store other bytes than corosync-cmapctl does. Linux keeps
 * the original bytes in {@code /proc/self/cmdline}: NUL-terminated entries, the launcher's JVM
 * options first and the program's own arguments last. Each entry is read with
 * {@link CmapText#decode(byte[])}, which keeps bytes that are not UTF-8.
 *
 * @param entries every entry of the command line, in order; empty when it could not be read
 */
record RawArguments(List<String> entries) {
    private static final Path CMDLINE = Path.of("/proc/self/cmdline");
    private static final char ASCII_LIMIT = 0x80;

    /** This process's command line, or no entries when /proc cannot be read. */
    static RawArguments ofThisProcess() {
        try {
            return parse(Files.readAllBytes(CMDLINE));
        } catch (IOException | SecurityException e) {
            return new RawArguments(List.of());
        }
    }

    /** The entries of a {@code /proc/PID/cmdline} file. */
    static RawArguments parse(byte[] cmdline) {
        List<String> entries = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < cmdline.length; i++) {
            if (cmdline[i] == 0) {
                entries.add(CmapText.decode(cmdline, start, i - start));
                start = i + 1;
            }
        }
        return new RawArguments(List.copyOf(entries));
    }

    /**
     * The last {@code decoded.length} entries, when they agree with {@code decoded} wherever the
     * JVM could decode them (their ASCII); {@code decoded} otherwise, for instance when a
     * launcher added or dropped arguments.
     */
    String[] arguments(String[] decoded) {
        if (entries.size() < decoded.length) {
            return decoded;
        }
        String[] raw = entries.subList(entries.size() - decoded.length, entries.size()).toArray(String[]::new);
        for (int i = 0; i < raw.length; i++) {
            if (!sameAscii(raw[i], decoded[i])) {
                return decoded;
            }
        }
        return raw;
    }

    /**
     * The value of the first {@code -Dname=} entry (the launcher's $0 may hold bytes that are
     * not UTF-8), or {@code decoded} when there is none or {@code decoded} is null.
     */
    String property(String name, String decoded) {
        if (decoded == null) {
            return null;
        }
        String prefix = "-D" + name + "=";
        for (String entry : entries) {
            if (entry.startsWith(prefix)) {
                return entry.substring(prefix.length());
            }
        }
        return decoded;
    }

    /**
     * Whether the JVM's reading of an argument fits its raw form: equal when all ASCII, and
     * otherwise at least the same ASCII before the first byte the two may read differently.
     */
    private static boolean sameAscii(String raw, String decoded) {
        int common = Math.min(raw.length(), decoded.length());
        for (int i = 0; i < common; i++) {
            char r = raw.charAt(i);
            char d = decoded.charAt(i);
            if (r >= ASCII_LIMIT || d >= ASCII_LIMIT) {
                return true;
            }
            if (r != d) {
                return false;
            }
        }
        return raw.length() == decoded.length();
    }
}
