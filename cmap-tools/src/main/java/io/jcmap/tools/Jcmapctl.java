package io.jcmap.tools;

import io.jcmap.client.Cmap;
import io.jcmap.client.CmapException;
import io.jcmap.client.CmapHandle;
import io.jcmap.client.CmapOptions;
import io.jcmap.client.CsError;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * jcmapctl: corosync-cmapctl 3.1.7 on the pure-Java CMAP client, with the same options, output,
 * messages and exit statuses, plus {@code --json}, {@code --socket}/{@code --name} and
 * {@code --sandbox}. See docs/jcmapctl.md.
 */
public final class Jcmapctl {
    /** System property with the program name getopt diagnostics start with (the launcher's $0). */
    public static final String PROGRAM_PROPERTY = "jcmapctl.argv0";
    /** System property with the repository root, where scripts/provision lives. */
    public static final String HOME_PROPERTY = "jcmapctl.home";
    private static final String DEFAULT_PROGRAM = "jcmapctl";
    /** What a shell reports for a process killed by SIGPIPE, as the C tool is when its reader goes away. */
    private static final int BROKEN_PIPE_STATUS = 128 + 13;
    private static final String SLF4J_VERBOSITY = "slf4j.internal.verbosity";
    /**
     * System property that {@code bin/jcmapctl} sets to {@value #SIGPIPE_IGNORED} when it was started
     * with SIGPIPE ignored: the JVM handles SIGPIPE itself, so it cannot see what it inherited.
     */
    static final String SIGPIPE_PROPERTY = "jcmapctl.sigpipe";
    static final String SIGPIPE_IGNORED = "ignored";

    private Jcmapctl() {
    }

    /**
     * Runs jcmapctl and exits with its status.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        // no SLF4J provider is bundled: keep its "no providers" warning off standard error
        System.setProperty(SLF4J_VERBOSITY, "ERROR");
        Output.BrokenPipe brokenPipe = SIGPIPE_IGNORED.equals(System.getProperty(SIGPIPE_PROPERTY))
                ? Output.BrokenPipe.FAILS : Output.BrokenPipe.ENDS;
        Output out = new Output(new FileOutputStream(FileDescriptor.out),
                Terminal.isatty(Terminal.STDOUT) ? Output.Buffering.LINE : Output.Buffering.FULL, brokenPipe);
        Output err = new Output(new FileOutputStream(FileDescriptor.err), Output.Buffering.NONE, brokenPipe);
        RawArguments raw = RawArguments.ofThisProcess();
        String program = raw.property(PROGRAM_PROPERTY, System.getProperty(PROGRAM_PROPERTY, DEFAULT_PROGRAM));
        Stdio io = new Stdio(new FileInputStream(FileDescriptor.in), out, err, program,
                System.getenv("POSIXLY_CORRECT") != null, home());
        System.exit(runGuarded(raw.arguments(args), io));
    }

    /**
     * Runs one command line in this JVM, as {@link #main} would but returning the exit status:
     * for tests and for embedding. Standard output is buffered as C buffers a pipe (written in
     * 4096-byte blocks, every tracked change at once) and flushed before returning; standard
     * error is unbuffered. {@code --sandbox} works here too.
     *
     * @param program the name getopt diagnostics start with ({@code argv[0]})
     * @param args    the arguments without the program name
     * @param in      standard input
     * @param out     standard output
     * @param err     standard error
     * @return the exit status
     */
    public static int run(String program, List<String> args, InputStream in, OutputStream out, OutputStream err) {
        Stdio io = new Stdio(in, new Output(out, Output.Buffering.FULL), new Output(err, Output.Buffering.NONE),
                program, System.getenv("POSIXLY_CORRECT") != null, home());
        return runGuarded(args.toArray(String[]::new), io);
    }

    /** Runs, maps a broken output to SIGPIPE's status and anything unexpected to an internal error. */
    private static int runGuarded(String[] args, Stdio io) {
        try {
            int status = run(List.of(args), io);
            io.out().flush();
            return status;
        } catch (UncheckedIOException e) {
            return BROKEN_PIPE_STATUS;
        } catch (RuntimeException e) {
            io.err().print(DEFAULT_PROGRAM + ": internal error: " + e + "\n");
            return ExitCode.FAILURE;
        }
    }

    /**
     * Runs one command line.
     *
     * @param args the arguments (without the program name)
     * @param io   the streams and environment
     * @return the exit status
     */
    static int run(List<String> args, Stdio io) {
        CommandLine.Outcome outcome = CommandLine.parse(args, io.program(), io.posixlyCorrect());
        return switch (outcome) {
            case CommandLine.Finish finish -> {
                io.out().write(finish.stdout());
                io.err().write(finish.stderr());
                io.out().flush();
                yield finish.exitCode();
            }
            case CommandLine.Proceed proceed -> {
                Options options = proceed.options();
                yield options.sandbox() == null ? execute(options, io)
                        : new Sandbox(options.sandbox(), io).run(() -> execute(options, io));
            }
        };
    }

    /** Connects, runs the action, disconnects ({@code cmap_finalize} cannot fail here). */
    static int execute(Options options, Stdio io) {
        CmapHandle handle;
        try {
            handle = connect(options);
        } catch (CmapException e) {
            io.err().print("Failed to initialize the cmap API. Error " + Session.strerror(e) + "\n");
            return ExitCode.FAILURE;
        }
        try (handle) {
            return new Session(handle, options, io, printer(options, io)).run();
        } catch (Exit exit) {
            return exit.status();
        } finally {
            io.out().flush();
        }
    }

    /** cmap_initialize_map, retried on TRY_AGAIN as the C tool does. */
    private static CmapHandle connect(Options options) {
        CmapOptions.Builder settings = CmapOptions.builder();
        if (options.endpoint() != null) {
            settings.endpoint(options.endpoint());
        }
        CmapOptions cmapOptions = settings.build();
        int retries = 0;
        while (true) {
            try {
                return Cmap.initialize(options.map(), cmapOptions);
            } catch (CmapException e) {
                if (e.error() != CsError.TRY_AGAIN || retries++ >= Session.MAX_TRY_AGAIN) {
                    throw e;
                }
                Session.pause();
            }
        }
    }

    private static KeyPrinter printer(Options options, Stdio io) {
        return options.json() ? new JsonKeyPrinter(io.out(), options.quiet(), io.err())
                : new TextKeyPrinter(io.out(), options.showBinary(), options.quiet());
    }

    /** The repository root: from the launcher, else guessed from where our classes are. */
    private static Path home() {
        String configured = System.getProperty(HOME_PROPERTY);
        if (configured != null) {
            return Path.of(configured);
        }
        try {
            Path classes = Path.of(Jcmapctl.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // cmap-tools/target/classes (or the jar beside it) -> the repository root
            for (Path dir = classes; dir != null; dir = dir.getParent()) {
                if (Files.isRegularFile(dir.resolve("scripts").resolve("provision"))) {
                    return dir;
                }
            }
        } catch (URISyntaxException | RuntimeException e) {
            // unknown: the sandbox then prints instructions instead of running the script
        }
        return null;
    }
}
