package io.jcmap.tools;

import io.jcmap.client.CmapException;
import io.jcmap.client.CmapHandle;
import io.jcmap.client.CmapIterator;
import io.jcmap.client.CmapKeyInfo;
import io.jcmap.client.CmapType;
import io.jcmap.client.CmapValue;
import io.jcmap.client.CsError;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.function.Supplier;

/**
 * The actions of corosync-cmapctl on an open handle, with its messages and exit statuses.
 * Methods named after the C functions behave like them: {@link #printIter}, {@link #printKey},
 * {@link #deleteWithPrefix}, {@link #setKey}, {@link #readInConfigFile}.
 */
final class Session {
    /** corosync-cmapctl's MAX_TRY_AGAIN. */
    static final int MAX_TRY_AGAIN = 10;
    private static final long TRY_AGAIN_PAUSE_MILLIS = 1000;
    private static final String STDIN = "-";
    private static final String NULL_STRING = "(null)";

    private final CmapHandle handle;
    private final Options options;
    private final Stdio io;
    private final KeyPrinter printer;

    Session(CmapHandle handle, Options options, Stdio io, KeyPrinter printer) {
        this.handle = handle;
        this.options = options;
        this.io = io;
        this.printer = printer;
    }

    /**
     * Runs the action.
     *
     * @return the exit status
     * @throws Exit where the C tool calls exit()
     */
    int run() {
        List<String> operands = options.operands();
        return switch (options.action()) {
            case PRINT_PREFIX -> printPrefixes(operands);
            case GET -> get(operands);
            case DELETE -> delete(operands);
            case DELETE_PREFIX -> {
                operands.forEach(this::deleteWithPrefix);
                yield ExitCode.SUCCESS;
            }
            case LOAD -> {
                readInConfigFile(options.settingsFile());
                yield ExitCode.SUCCESS;
            }
            case TRACK -> new TrackSession(handle, options, io, printer).run();
            case SET -> set(operands);
            case CLEAR_STATS -> clearStats(options.clearStats());
        };
    }

    private int printPrefixes(List<String> prefixes) {
        int noResult = 0;
        if (prefixes.isEmpty()) {
            noResult = printIter(null);
        } else {
            for (String prefix : prefixes) {
                noResult += printIter(prefix);
            }
        }
        return noResult > 0 && noResult >= prefixes.size() ? ExitCode.FAILURE : ExitCode.SUCCESS;
    }

    /** Prints the keys under {@code prefix}; 1 when there was none. */
    private int printIter(String prefix) {
        int noResult = 1;
        try (CmapIterator keys = iterInit(prefix)) {
            CmapKeyInfo info;
            while ((info = iterNext(keys)) != null) {
                noResult = 0;
                printKey(info.name(), info.type(), info.length());
            }
        } catch (CmapException e) {
            // iter_finalize's result is ignored by the C tool
        }
        return noResult;
    }

    private CmapIterator iterInit(String prefix) {
        try {
            return handle.iterate(prefix);
        } catch (CmapException e) {
            throw fail("Failed to initialize iteration. Error " + strerror(e) + "\n");
        }
    }

    /** The next key, null at the end or on any error (the C loop ends on both). */
    private static CmapKeyInfo iterNext(CmapIterator keys) {
        try {
            return keys.hasNext() ? keys.next() : null;
        } catch (CmapException e) {
            return null;
        }
    }

    /** print_key for a key known by name, type and length, fetching its value. */
    private void printKey(String key, CmapType type, long length) {
        if (type == CmapType.BINARY && !printer.showsBinary()) {
            printer.hiddenBinary(key);
            return;
        }
        CmapValue value;
        try {
            value = fetch(key, type, length);
        } catch (CmapException e) {
            io.err().print("Can't get value of " + key + ". Error " + strerror(e) + "\n");
            return;
        }
        printer.key(key, value);
    }

    /**
     * The value as the C tool's typed getters see it: a value of another type than the
     * iteration reported is INVALID_PARAM, except for binary keys, which it reads untyped; a
     * binary value longer than reported does not fit and is INVALID_PARAM too.
     */
    private CmapValue fetch(String key, CmapType type, long length) {
        CmapValue value = withTryAgain(() -> handle.get(key));
        if (type == CmapType.BINARY) {
            byte[] bytes = value instanceof CmapValue.Binary binary ? binary.bytes() : storedBytes(value);
            if (bytes.length > length) {
                throw new CmapException(CsError.INVALID_PARAM, "get(" + key + "): value grew");
            }
            return value instanceof CmapValue.Binary ? value : CmapValue.binary(bytes);
        }
        if (value.type() != type) {
            throw new CmapException(CsError.INVALID_PARAM, "get(" + key + "): holds " + value.type());
        }
        return value;
    }

    /** The bytes corosync stores for a value: a string keeps its terminating NUL. */
    private static byte[] storedBytes(CmapValue value) {
        byte[] wire = value.toBytes();
        if (value.type() != CmapType.STRING) {
            return wire;
        }
        byte[] stored = new byte[wire.length + 1];
        System.arraycopy(wire, 0, stored, 0, wire.length);
        return stored;
    }

    private static <T> T withTryAgain(Supplier<T> call) {
        int retries = 0;
        while (true) {
            try {
                return call.get();
            } catch (CmapException e) {
                if (e.error() != CsError.TRY_AGAIN || ++retries > MAX_TRY_AGAIN) {
                    throw e;
                }
                pause();
            }
        }
    }

    static void pause() {
        try {
            Thread.sleep(TRY_AGAIN_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CmapException(CsError.INTERRUPT, "interrupted while waiting to try again", e);
        }
    }

    private int get(List<String> keys) {
        for (String key : keys) {
            CmapValue value;
            try {
                value = handle.get(key);
            } catch (CmapException e) {
                io.err().print("Can't get key " + key + ". Error " + strerror(e) + "\n");
                return ExitCode.FAILURE;
            }
            if (value instanceof CmapValue.Binary && !printer.showsBinary()) {
                printer.hiddenBinary(key);
            } else {
                printer.key(key, value);
            }
        }
        return ExitCode.SUCCESS;
    }

    private int delete(List<String> keys) {
        for (String key : keys) {
            try {
                handle.delete(key);
            } catch (CmapException e) {
                io.err().print("Can't delete key " + key + ". Error " + strerror(e) + "\n");
                return ExitCode.FAILURE;
            }
        }
        return ExitCode.SUCCESS;
    }

    private void deleteWithPrefix(String prefix) {
        try (CmapIterator keys = iterInit(prefix)) {
            CmapKeyInfo info;
            while ((info = iterNext(keys)) != null) {
                deleteReporting(info.name());
            }
        } catch (CmapException e) {
            // iter_finalize's result is ignored by the C tool
        }
    }

    private void deleteReporting(String key) {
        try {
            handle.delete(key);
        } catch (CmapException e) {
            io.err().print("Can't delete key " + key + ". Error " + strerror(e) + "\n");
        }
    }

    private int set(List<String> operands) {
        final int setOperands = 3;
        if (operands.size() < setOperands) {
            io.err().print("At least 3 parameters are expected for set\n");
            return ExitCode.FAILURE;
        }
        setKey(operands.get(0), operands.get(1), operands.get(2));
        return ExitCode.SUCCESS;
    }

    /** set_key: exits with a message on any failure. */
    private void setKey(String key, String typeName, String text) {
        CmapType type = typeByName(typeName);
        if (type == null) {
            throw fail("Unknown type " + typeName + "\n");
        }
        CmapValue value = type == CmapType.BINARY ? binaryValue(text) : new ValueParser(text, typeName).parse(type);
        if (value == null) {
            // set_key_bin hands cmap_set a NULL pointer for an empty value, which libcmap refuses
            throw fail("Failed to set key " + key + ". Error " + CsError.INVALID_PARAM.csStrerror() + "\n");
        }
        try {
            handle.set(key, value);
        } catch (CmapException e) {
            throw fail("Failed to set key " + key + ". Error " + strerror(e) + "\n");
        }
    }

    private static CmapType typeByName(String name) {
        for (CmapType type : CmapType.values()) {
            if (type.cmapctlName().equals(name)) {
                return type;
            }
        }
        return null;
    }

    /** The bytes of a file, or of standard input for "-"; null when there are none. */
    private CmapValue binaryValue(String source) {
        byte[] bytes = readBinary(source);
        return bytes.length == 0 ? null : CmapValue.binary(bytes);
    }

    private byte[] readBinary(String source) {
        if (source.equals(STDIN)) {
            try {
                return io.in().readAllBytes();
            } catch (IOException e) {
                return new byte[0]; // fread stops at an error: what was read so far is lost too
            }
        }
        InputStream in;
        try {
            in = CFile.open(source);
        } catch (IOException e) {
            throw fail("Can't open input file: " + e.getMessage() + "\n");
        }
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0]; // as from stdin (a directory too: fopen succeeds, fread fails)
        }
    }

    /** read_in_config_file. */
    private void readInConfigFile(String fileName) {
        InputStream in;
        try {
            in = CFile.open(fileName);
        } catch (IOException e) {
            io.err().print("Couldn't open file.: " + e.getMessage() + "\n");
            return;
        }
        try (in) {
            // a directory opens, and its first fgets fails (EISDIR): nothing happens
            SettingsFile.read(in, this::apply);
        } catch (IOException e) {
            // close does not fail
        }
    }

    private void apply(SettingsFile.Directive directive) {
        switch (directive) {
            case SettingsFile.Delete delete -> deleteReporting(delete.key());
            case SettingsFile.DeletePrefix deletePrefix -> deleteWithPrefix(deletePrefix.prefix());
            case SettingsFile.Incomplete incomplete -> throw fail("Both type and value for key "
                    + (incomplete.key() == null ? NULL_STRING : incomplete.key()) + " are required\n");
            case SettingsFile.Set set -> setKey(set.key(), set.type(), set.value());
        }
    }

    private int clearStats(String what) {
        try {
            handle.setUint32("stats.clear." + what, 1);
        } catch (CmapException e) {
            // clear_stats ignores the result
        }
        return ExitCode.SUCCESS;
    }

    /** Prints the message and returns the exit to throw. */
    private Exit fail(String message) {
        io.err().print(message);
        return new Exit(ExitCode.FAILURE);
    }

    /** {@return what cs_strerror prints for the exception's error} */
    static String strerror(CmapException e) {
        return e.error().csStrerror();
    }

    /** Parses a value as set_key does, failing with its messages. */
    private final class ValueParser {
        private final String text;
        private final String typeName;

        ValueParser(String text, String typeName) {
            this.text = text;
            this.typeName = typeName;
        }

        CmapValue parse(CmapType type) {
            return switch (type) {
                case INT8 -> CmapValue.int8((int) signed(Byte.MIN_VALUE, Byte.MAX_VALUE));
                case INT16 -> CmapValue.int16((int) signed(Short.MIN_VALUE, Short.MAX_VALUE));
                case INT32 -> CmapValue.int32((int) signed(Integer.MIN_VALUE, Integer.MAX_VALUE));
                case INT64 -> CmapValue.int64(signed(Long.MIN_VALUE, Long.MAX_VALUE));
                case UINT8 -> CmapValue.uint8((int) unsigned(0xffL));
                case UINT16 -> CmapValue.uint16((int) unsigned(0xffffL));
                case UINT32 -> CmapValue.uint32(unsigned(0xffff_ffffL));
                case UINT64 -> CmapValue.uint64(unsigned(-1L));
                case FLOAT -> CmapValue.float32(scanned(CScanf.float32(text)));
                case DOUBLE -> CmapValue.float64(scanned(CScanf.float64(text)));
                case STRING -> CmapValue.string(text);
                case BINARY -> throw new IllegalArgumentException("binary values come from files");
            };
        }

        private long signed(long min, long max) {
            long value = scanned(CScanf.signed64(text));
            if (value < min || value > max) {
                outOfRange();
            }
            return value;
        }

        private long unsigned(long max) {
            long value = scanned(CScanf.unsigned64(text));
            if (Long.compareUnsigned(value, max) > 0) {
                outOfRange();
            }
            return value;
        }

        private <T> T scanned(T value) {
            if (value == null) {
                throw fail(text + " is not valid " + typeName + " type value\n");
            }
            return value;
        }

        private void outOfRange() {
            throw fail(text + " is not valid " + typeName + " integer\n");
        }
    }
}
