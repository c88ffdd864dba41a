package io.jcmap.tools;

import io.jcmap.client.CmapText;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A {@code -p} settings file read as corosync-cmapctl's {@code read_in_config_file} reads it.
 *
 * <p>Lines come from {@code fgets} into a 1024-byte buffer, so a line longer than 1023 bytes is
 * read as several lines. A line whose first non-blank (space, tab) character is {@code #} or the
 * newline is skipped. The rest is split by {@code strtok} at spaces and newlines only (a tab is
 * part of a word): {@code ^key} deletes a key, {@code ^^prefix} deletes by prefix (further words
 * ignored), anything else needs a type and a value word, so a {@code str} value is its first
 * word only. A line of blanks without a newline (possible on the last line) has no words and is
 * an incomplete set with a null key.
 */
final class SettingsFile {

    /** One line's instruction. */
    sealed interface Directive {
    }

    /**
     * {@code ^key}.
     *
     * @param key the key (possibly empty)
     */
    record Delete(String key) implements Directive {
    }

    /**
     * {@code ^^prefix}.
     *
     * @param prefix the prefix (possibly empty: every key)
     */
    record DeletePrefix(String prefix) implements Directive {
    }

    /**
     * {@code key type value}.
     *
     * @param key   the key
     * @param type  the type name, unchecked
     * @param value the value word
     */
    record Set(String key, String type, String value) implements Directive {
    }

    /**
     * A key without type or value.
     *
     * @param key the key, or null when the line had no word at all
     */
    record Incomplete(String key) implements Directive {
    }

    /** fgets(buf, 1024, fh) keeps one byte for the terminating NUL. */
    static final int LINE_BUFFER = 1024;
    private static final char DELETE_MARK = '^';

    private SettingsFile() {
    }

    /**
     * Reads every directive of a file.
     *
     * @param in the file's content
     * @return the directives in order, up to a read error: there fgets fails and the C tool stops
     *         silently, dropping the part of a line read before it
     */
    static List<Directive> read(InputStream in) {
        List<Directive> directives = new ArrayList<>();
        read(in, directives::add);
        return directives;
    }

    /**
     * Hands each directive to {@code action} as soon as its line is read, as the C tool applies
     * each line before it reads the next (a pipe or terminal need not be at its end).
     */
    static void read(InputStream in, Consumer<Directive> action) {
        try {
            byte[] chunk;
            while ((chunk = fgets(in)) != null) {
                Directive directive = parse(chunk);
                if (directive != null) {
                    action.accept(directive);
                }
            }
        } catch (IOException e) {
            // fgets fails: the C tool stops silently
        }
    }

    /** The next fgets chunk: through a newline, at most 1023 bytes; null at the end. */
    private static byte[] fgets(InputStream in) throws IOException {
        ByteArrayOutputStream chunk = new ByteArrayOutputStream();
        while (chunk.size() < LINE_BUFFER - 1) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            chunk.write(b);
            if (b == '\n') {
                break;
            }
        }
        return chunk.size() == 0 ? null : chunk.toByteArray();
    }

    /**
     * The directive of one fgets chunk, null for a skipped line.
     *
     * @param chunk the bytes fgets returned
     * @return the directive, or null
     */
    static Directive parse(byte[] chunk) {
        String line = cString(chunk);
        int first = 0;
        while (first < line.length() && isBlank(line.charAt(first))) {
            first++;
        }
        if (first < line.length() && (line.charAt(first) == '#' || line.charAt(first) == '\n')) {
            return null;
        }
        List<String> words = strtok(line.substring(first));
        String key = words.isEmpty() ? null : words.get(0);
        if (key != null && key.charAt(0) == DELETE_MARK) {
            String rest = key.substring(1);
            return !rest.isEmpty() && rest.charAt(0) == DELETE_MARK ? new DeletePrefix(rest.substring(1))
                    : new Delete(rest);
        }
        if (words.size() < 3) {
            return new Incomplete(key);
        }
        return new Set(key, words.get(1), words.get(2));
    }

    /** C string functions stop at the first NUL byte. */
    private static String cString(byte[] chunk) {
        int length = 0;
        while (length < chunk.length && chunk[length] != 0) {
            length++;
        }
        return CmapText.decode(chunk, 0, length);
    }

    /** strtok(line, " \n") repeatedly: the words between runs of spaces and newlines. */
    private static List<String> strtok(String line) {
        List<String> words = new ArrayList<>();
        int at = 0;
        while (at < line.length()) {
            while (at < line.length() && isDelimiter(line.charAt(at))) {
                at++;
            }
            int start = at;
            while (at < line.length() && !isDelimiter(line.charAt(at))) {
                at++;
            }
            if (at > start) {
                words.add(line.substring(start, at));
            }
        }
        return words;
    }

    private static boolean isDelimiter(char c) {
        return c == ' ' || c == '\n';
    }

    /** C's isblank. */
    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }
}
