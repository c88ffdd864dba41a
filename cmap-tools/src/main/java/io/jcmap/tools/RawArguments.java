package io.jcmap.tools;

import io.jcmap.client.CmapText;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command line's arguments as the bytes the C tool gets in {@code argv}. The JVM decodes
 * them by the locale (as ASCII under {@code LANG=C}) and turns what it cannot decode into '?' or
 * U+FFFD, so that {@code -s k str $'\xe9'} would store other bytes than corosync-cmapctl does.
 * Linux keeps the original bytes in {@code /proc/self/cmdline}: NUL-terminated arguments, the
 * program's own arguments last. They are read with {@link CmapText#decode(byte[])}, which keeps
 * bytes that are not UTF-8.
 */
final class RawArguments {
    private static final Path CMDLINE = Path.of("/proc/self/cmdline");
    private static final char ASCII_LIMIT = 0x80;

    private RawArguments() {
    }

    /** The JVM's arguments, or their raw form when /proc has one that matches them. */
    static String[] of(String[] decoded) {
        try {
            return fromCmdline(Files.readAllBytes(CMDLINE), decoded);
        } catch (IOException | SecurityException e) {
            return decoded;
        }
    }

    /**
     * A {@code -Dname=value} system property as the bytes the command line gave (the launcher's
     * $0 may hold bytes that are not UTF-8), or {@code decoded} when /proc has none.
     */
    static String property(String name, String decoded) {
        try {
            return propertyFromCmdline(Files.readAllBytes(CMDLINE), name, decoded);
        } catch (IOException | SecurityException e) {
            return decoded;
        }
    }

    /** The value of the first {@code -Dname=} entry of {@code cmdline}, or {@code decoded}. */
    static String propertyFromCmdline(byte[] cmdline, String name, String decoded) {
        if (decoded == null) {
            return null;
        }
        byte[] prefix = ("-D" + name + "=").getBytes(StandardCharsets.US_ASCII);
        int start = 0;
        for (int i = 0; i < cmdline.length; i++) {
            if (cmdline[i] == 0) {
                if (i - start >= prefix.length
                        && Arrays.equals(cmdline, start, start + prefix.length, prefix, 0, prefix.length)) {
                    return CmapText.decode(cmdline, start + prefix.length, i - start - prefix.length);
                }
                start = i + 1;
            }
        }
        return decoded;
    }

    /**
     * The last {@code decoded.length} arguments of {@code cmdline}, decoded, when they agree with
     * {@code decoded} wherever the JVM could decode them (their ASCII); {@code decoded} otherwise,
     * for instance when a launcher added or dropped arguments.
     */
    static String[] fromCmdline(byte[] cmdline, String[] decoded) {
        List<String> all = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < cmdline.length; i++) {
            if (cmdline[i] == 0) {
                all.add(CmapText.decode(cmdline, start, i - start));
                start = i + 1;
            }
        }
        if (all.size() < decoded.length) {
            return decoded;
        }
        String[] raw = all.subList(all.size() - decoded.length, all.size()).toArray(String[]::new);
        for (int i = 0; i < raw.length; i++) {
            if (!sameAscii(raw[i], decoded[i])) {
                return decoded;
            }
        }
        return raw;
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
