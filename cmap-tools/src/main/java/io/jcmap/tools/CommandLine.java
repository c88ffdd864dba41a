package io.jcmap.tools;

import io.jcmap.client.CmapException;
import io.jcmap.client.CmapMap;
import io.jcmap.client.Endpoint;
import io.jcmap.testkit.IpcType;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * corosync-cmapctl's command line (its {@code main}'s getopt loop and the checks right after it),
 * with jcmapctl's long options on top.
 *
 * <p>Options act in the order given and the first one that ends the program wins, as in the C
 * tool: {@code -h} prints the usage and exits 0, a bad {@code -m} or {@code -C} argument or a
 * getopt error exits 1. Later options override earlier ones ({@code -g -d} deletes).
 */
final class CommandLine {

    /** corosync-cmapctl's option string. */
    static final String OPTSTRING = "m:hqgsdDtTbp:C:";

    static final String JSON = "json";
    static final String SOCKET = "socket";
    static final String NAME = "name";
    static final String SANDBOX = "sandbox";
    static final String CONTAINER = "container";
    static final String SANDBOX_IPC = "sandbox-ipc";
    static final String HELP = "help";

    private static final Map<String, Boolean> LONG_OPTIONS = Map.of(JSON, false, SOCKET, true, NAME, true,
            SANDBOX, false, CONTAINER, false, SANDBOX_IPC, true, HELP, false);
    private static final Set<String> CLEAR_STATS = Set.of("knet", "totem", "ipc", "schedmiss", "all");
    private static final String PREFIX = "jcmapctl: ";

    /** corosync-cmapctl 3.1.7's usage text, byte for byte (print_help). */
    static final String USAGE = """

            usage:  corosync-cmapctl [-b] [-DdghsqTCt] [-p filename] [-m map] [params...]

                -b show binary values

                -m select map to use
                      The  default  map is 'icmap' which contains configuration information and some runtime variables used by corosync.\s
                      A 'stats' map is also available which displays network statistics - in great detail when knet is used as the transport.
            Set key:
                corosync-cmapctl -s key_name type value

                where type is one of ([i|u][8|16|32|64] | flt | dbl | str | bin)
                for bin, value is file name (or - for stdin)

                map can be either 'icmap' (the default) which contains corosync
                configuration information, or 'stats' which contains statistics
                about the networking and IPC traffic in some detail.

            Clear stats:
                corosync-cmapctl -C [knet|ipc|totem|schedmiss|all]
                The 'stats' map is implied

            Load settings from a file:
                corosync-cmapctl -p filename

                the format of the file is:
                [^[^]]<key_name>[ <type> <value>]
                Keys prefixed with single caret ('^') are deleted (see -d).
                Keys (actually prefixes) prefixed with double caret ('^^') are deleted by prefix (see -D).
                <type> and <value> are optional (not checked) in above cases.
                Other keys are set (see -s) so both <type> and <value> are required.

            Delete key:
                corosync-cmapctl -d key_name...

            Delete multiple keys with prefix:
                corosync-cmapctl -D key_prefix...

            Get key:
                corosync-cmapctl [-b] -g key_name...

            Quiet mode:
                corosync-cmapctl [-b] -q -g key_name...

            Display all keys:
                corosync-cmapctl [-b]

            Display keys with prefix key_name:
                corosync-cmapctl [-b] key_name...

            Track changes on keys with key_name:
                corosync-cmapctl [-b] -t key_name

            Track changes on keys with key prefix:
                corosync-cmapctl [-b] -T key_prefix

            """;

    /** What {@code --help} adds after the usage text. */
    static final String EXTENSIONS = """
            jcmapctl extensions:
                --json             one JSON object per key (and per tracked change) per line
                --socket PATH      connect to the libqb setup socket at PATH (filesystem socket)
                --name NAME        connect to the abstract socket NAME (default: cmap)
                --sandbox          start a private corosync, run the command against it, stop it
                --container        with --sandbox: run corosync in a Docker container
                --sandbox-ipc T    with --sandbox: IPC transport shm (default) or socket
                --help             this text

            """;

    /** The result of reading the command line. */
    sealed interface Outcome {
    }

    /**
     * Run with these options.
     *
     * @param options the options
     */
    record Proceed(Options options) implements Outcome {
    }

    /**
     * Exit now, after printing.
     *
     * @param exitCode the exit status
     * @param stdout   bytes for standard output
     * @param stderr   bytes for standard error
     */
    record Finish(int exitCode, byte[] stdout, byte[] stderr) implements Outcome {
        static Finish failure(String stderr) {
            return new Finish(ExitCode.FAILURE, new byte[0], Output.bytes(stderr));
        }

        static Finish success(String stdout) {
            return new Finish(ExitCode.SUCCESS, Output.bytes(stdout), new byte[0]);
        }
    }

    private CommandLine() {
    }

    /**
     * Reads the command line.
     *
     * @param args           the arguments without the program name
     * @param program        the program name getopt prints ({@code argv[0]})
     * @param posixlyCorrect whether {@code POSIXLY_CORRECT} is set
     * @return what to do
     */
    static Outcome parse(List<String> args, String program, boolean posixlyCorrect) {
        Getopt getopt = new Getopt(program, Getopt.shortOptions(OPTSTRING), LONG_OPTIONS, posixlyCorrect);
        Getopt.Result scan = getopt.scan(args);
        State state = new State();
        for (Getopt.Token token : scan.tokens()) {
            Outcome stop = switch (token) {
                case Getopt.Error error -> new Finish(ExitCode.FAILURE, new byte[0], error.message());
                case Getopt.ShortOption option -> state.apply(option);
                case Getopt.LongOption option -> state.apply(option);
            };
            if (stop != null) {
                return stop;
            }
        }
        return state.finish(scan.operands());
    }

    /** The variables of corosync-cmapctl's main while it runs its getopt loop. */
    private static final class State {
        private Action action = Action.PRINT_PREFIX;
        private boolean trackPrefix = true;
        private CmapMap map = CmapMap.ICMAP;
        private boolean mapSet;
        private boolean showBinary;
        private boolean quiet;
        private String settingsFile;
        private String clearStats;
        private boolean json;
        private Endpoint endpoint;
        private String endpointOption;
        private boolean sandbox;
        private boolean container;
        private IpcType sandboxIpc;

        /** Applies one option; non-null when the program ends here. */
        Outcome apply(Getopt.ShortOption option) {
            switch (option.option()) {
                case 'h' -> {
                    return Finish.success(USAGE);
                }
                case 'b' -> showBinary = true;
                case 'q' -> quiet = true;
                case 'g' -> action = Action.GET;
                case 's' -> action = Action.SET;
                case 'd' -> action = Action.DELETE;
                case 'D' -> action = Action.DELETE_PREFIX;
                case 'p' -> {
                    settingsFile = option.argument();
                    action = Action.LOAD;
                }
                case 'C' -> {
                    return clearStats(option.argument());
                }
                case 't' -> {
                    action = Action.TRACK;
                    trackPrefix = false;
                }
                // like the C tool, -T does not undo an earlier -t
                case 'T' -> action = Action.TRACK;
                case 'm' -> {
                    return map(option.argument());
                }
                default -> throw new IllegalStateException("option -" + option.option() + " not handled");
            }
            return null;
        }

        private Outcome clearStats(String what) {
            if (!CLEAR_STATS.contains(what)) {
                return Finish.failure("argument to -C should be 'knet', 'totem', 'ipc', 'schedmiss' or 'all'\n");
            }
            action = Action.CLEAR_STATS;
            clearStats = what;
            map = CmapMap.STATS;
            return null;
        }

        /** As in C, a bad name after an earlier good -m is silently ignored (map_set stays set). */
        private Outcome map(String name) {
            if (name.equals("icmap") || name.equals("default")) {
                map = CmapMap.ICMAP;
                mapSet = true;
            }
            if (name.equals("stats")) {
                map = CmapMap.STATS;
                mapSet = true;
            }
            if (!mapSet) {
                return Finish.failure("invalid map name, must be 'default', 'icmap' or 'stats'\n");
            }
            return null;
        }

        Outcome apply(Getopt.LongOption option) {
            switch (option.name()) {
                case HELP -> {
                    return Finish.success(USAGE + EXTENSIONS);
                }
                case JSON -> json = true;
                case SANDBOX -> sandbox = true;
                case CONTAINER -> container = true;
                case SANDBOX_IPC -> {
                    return sandboxIpc(option.argument());
                }
                case SOCKET, NAME -> {
                    return endpoint(option.name(), option.argument());
                }
                default -> throw new IllegalStateException("option --" + option.name() + " not handled");
            }
            return null;
        }

        private Outcome sandboxIpc(String name) {
            for (IpcType type : IpcType.values()) {
                if (type.configValue().equals(name.toLowerCase(Locale.ROOT))) {
                    sandboxIpc = type;
                    return null;
                }
            }
            return Finish.failure(PREFIX + "--sandbox-ipc must be 'shm' or 'socket', not '" + name + "'\n");
        }

        private Outcome endpoint(String option, String value) {
            if (endpointOption != null && !endpointOption.equals(option)) {
                return Finish.failure(PREFIX + "--socket and --name cannot be combined\n");
            }
            try {
                endpoint = option.equals(SOCKET) ? Endpoint.path(Path.of(value)) : Endpoint.abstractName(value);
            } catch (CmapException | java.nio.file.InvalidPathException e) {
                return Finish.failure(PREFIX + "--" + option + " '" + value + "': " + e.getMessage() + "\n");
            }
            endpointOption = option;
            return null;
        }

        Outcome finish(List<String> operands) {
            if (sandbox && endpoint != null) {
                return Finish.failure(PREFIX + "--sandbox cannot be combined with --" + endpointOption + "\n");
            }
            if (!sandbox && (container || sandboxIpc != null)) {
                return Finish.failure(PREFIX + "--" + (container ? CONTAINER : SANDBOX_IPC) + " needs --sandbox\n");
            }
            if (operands.isEmpty() && action != Action.LOAD && action != Action.CLEAR_STATS
                    && action != Action.PRINT_PREFIX) {
                return Finish.failure("Expected key after options\n");
            }
            SandboxRequest sandboxRequest = sandbox
                    ? new SandboxRequest(container, sandboxIpc == null ? IpcType.SHM : sandboxIpc) : null;
            return new Proceed(new Options(action, map, showBinary, quiet, trackPrefix, settingsFile, clearStats,
                    operands, json, endpoint, sandboxRequest));
        }
    }
}
