package io.jcmap.tools;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scans arguments as glibc's {@code getopt(3)} does for corosync-cmapctl (option string
 * {@code "m:hqgsdDtTbp:C:"}), plus jcmapctl's own long options.
 *
 * <p>GNU semantics: options may follow operands (the operands are "permuted" to the end) unless
 * {@code POSIXLY_CORRECT} is set; {@code --} ends the options; a lone {@code -} is an operand;
 * short options cluster ({@code -bq}); an option argument is the rest of the cluster or the next
 * argument, whatever it looks like ({@code -m -b} gives {@code -m} the argument {@code -b}).
 * Errors read exactly like glibc's ({@code "prog: invalid option -- 'x'"}). The C tool has no
 * long options, so an unknown {@code --word} is scanned as the cluster {@code -word}, whose
 * {@code '-'} is an invalid option, as glibc does.
 *
 * <p>The scan records every option and error in order; the caller acts on them in that order
 * and stops at the first one that ends the program, as corosync-cmapctl's getopt loop does.
 */
final class Getopt {

    /** One thing the scan found, in argument order. */
    sealed interface Token {
    }

    /**
     * A short option.
     *
     * @param option   the option character
     * @param argument its argument, or null for options without one
     */
    record ShortOption(char option, String argument) implements Token {
    }

    /**
     * A long option (a jcmapctl extension).
     *
     * @param name     the name without {@code --}
     * @param argument its argument, or null for options without one
     */
    record LongOption(String name, String argument) implements Token {
    }

    /**
     * A getopt diagnostic; getopt would return {@code '?'} here.
     *
     * @param message the complete line glibc prints on standard error, newline included, as bytes
     *                (for an invalid non-ASCII option glibc prints a single byte of it)
     */
    record Error(byte[] message) implements Token {
    }

    /**
     * What a scan found.
     *
     * @param tokens   options and errors in order
     * @param operands the non-option arguments in order (those after {@code --} last)
     */
    record Result(List<Token> tokens, List<String> operands) {
    }

    private static final String END_OF_OPTIONS = "--";
    private static final String LONG_PREFIX = "--";

    private final String program;
    private final Map<Character, Boolean> shortOptions;
    private final Map<String, Boolean> longOptions;
    private final boolean posixlyCorrect;

    /**
     * A scanner.
     *
     * @param program        the program name getopt prints before its diagnostics ({@code argv[0]})
     * @param shortOptions   option character to whether it takes an argument
     * @param longOptions    long option name to whether it takes an argument
     * @param posixlyCorrect stop at the first operand (glibc with {@code POSIXLY_CORRECT} set)
     */
    Getopt(String program, Map<Character, Boolean> shortOptions, Map<String, Boolean> longOptions,
           boolean posixlyCorrect) {
        this.program = program;
        this.shortOptions = Map.copyOf(shortOptions);
        this.longOptions = Map.copyOf(longOptions);
        this.posixlyCorrect = posixlyCorrect;
    }

    /**
     * Parses a getopt option string such as {@code "m:hq"}.
     *
     * @param optstring the option characters, each followed by {@code ':'} if it takes an argument
     * @return option character to whether it takes an argument
     */
    static Map<Character, Boolean> shortOptions(String optstring) {
        Map<Character, Boolean> options = new LinkedHashMap<>();
        for (int i = 0; i < optstring.length(); i++) {
            char option = optstring.charAt(i);
            boolean hasArgument = i + 1 < optstring.length() && optstring.charAt(i + 1) == ':';
            options.put(option, hasArgument);
            if (hasArgument) {
                i++;
            }
        }
        return options;
    }

    /**
     * Scans {@code args} (without {@code argv[0]}).
     *
     * @param args the arguments
     * @return the tokens and operands
     */
    Result scan(List<String> args) {
        List<Token> tokens = new ArrayList<>();
        List<String> operands = new ArrayList<>();
        int i = 0;
        while (i < args.size()) {
            String arg = args.get(i);
            if (arg.equals(END_OF_OPTIONS)) {
                operands.addAll(args.subList(i + 1, args.size()));
                break;
            }
            if (isKnownLongOption(arg)) {
                i = scanLongOption(args, i, tokens);
            } else if (arg.length() > 1 && arg.charAt(0) == '-') {
                i = scanCluster(args, i, tokens);
            } else if (posixlyCorrect) {
                operands.addAll(args.subList(i, args.size()));
                break;
            } else {
                operands.add(arg);
                i++;
            }
        }
        return new Result(List.copyOf(tokens), List.copyOf(operands));
    }

    private boolean isKnownLongOption(String arg) {
        return arg.startsWith(LONG_PREFIX) && longOptions.containsKey(longName(arg));
    }

    private static String longName(String arg) {
        int equals = arg.indexOf('=');
        return equals < 0 ? arg.substring(LONG_PREFIX.length()) : arg.substring(LONG_PREFIX.length(), equals);
    }

    private int scanLongOption(List<String> args, int index, List<Token> tokens) {
        String arg = args.get(index);
        String name = longName(arg);
        int equals = arg.indexOf('=');
        String inline = equals < 0 ? null : arg.substring(equals + 1);
        boolean hasArgument = longOptions.get(name);
        if (!hasArgument) {
            tokens.add(inline == null ? new LongOption(name, null)
                    : error("option '--" + name + "' doesn't allow an argument"));
            return index + 1;
        }
        if (inline != null) {
            tokens.add(new LongOption(name, inline));
            return index + 1;
        }
        if (index + 1 < args.size()) {
            tokens.add(new LongOption(name, args.get(index + 1)));
            return index + 2;
        }
        tokens.add(error("option '--" + name + "' requires an argument"));
        return index + 1;
    }

    private int scanCluster(List<String> args, int index, List<Token> tokens) {
        String cluster = args.get(index);
        int at = 1;
        while (at < cluster.length()) {
            int codePoint = cluster.codePointAt(at);
            int next = at + Character.charCount(codePoint);
            Boolean hasArgument = codePoint < Character.MIN_SUPPLEMENTARY_CODE_POINT && codePoint != ':'
                    ? shortOptions.get((char) codePoint) : null;
            if (hasArgument == null) {
                tokens.add(optionError("invalid option", codePoint));
            } else if (!hasArgument) {
                tokens.add(new ShortOption((char) codePoint, null));
            } else if (next < cluster.length()) {
                tokens.add(new ShortOption((char) codePoint, cluster.substring(next)));
                return index + 1;
            } else if (index + 1 < args.size()) {
                tokens.add(new ShortOption((char) codePoint, args.get(index + 1)));
                return index + 2;
            } else {
                tokens.add(optionError("option requires an argument", codePoint));
            }
            at = next;
        }
        return index + 1;
    }

    /** glibc works on bytes: for a multi-byte character it reports the first byte alone. */
    private Error optionError(String what, int codePoint) {
        byte[] head = Output.bytes(program + ": " + what + " -- '");
        byte[] option = Output.bytes(new String(Character.toChars(codePoint)));
        byte[] tail = Output.bytes("'\n");
        byte[] message = new byte[head.length + 1 + tail.length];
        System.arraycopy(head, 0, message, 0, head.length);
        message[head.length] = option[0];
        System.arraycopy(tail, 0, message, head.length + 1, tail.length);
        return new Error(message);
    }

    private Error error(String text) {
        return new Error(Output.bytes(program + ": " + text + "\n"));
    }
}
