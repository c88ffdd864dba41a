package io.jcmap.tools;

import io.jcmap.client.CmapException;
import io.jcmap.client.CmapHandle;
import io.jcmap.client.CmapNotification;
import io.jcmap.client.DispatchType;
import io.jcmap.client.TrackEvent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code -t} / {@code -T}: tracks the operands, prints "Type "q" to finish" and every change
 * until a line starting with {@code q} arrives on standard input, or its end.
 *
 * <p>The C tool polls stdin and the CMAP descriptor in one loop; here one thread dispatches
 * and one reads stdin, and the changes that arrived before "q" are printed before the session
 * ends, as the C loop's last dispatch prints them. Unlike the C tool, end of input always ends
 * the session (corosync-cmapctl keeps polling a pipe whose writer has closed: Linux reports
 * POLLHUP without POLLIN there), and every change is flushed at once even when standard output
 * is not a terminal.
 */
final class TrackSession {
    private static final long DISPATCHER_STOP_SECONDS = 5;

    private final CmapHandle handle;
    private final Options options;
    private final Stdio io;
    private final KeyPrinter printer;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean quitting;
    /** "q" or the end of standard input ended the session, not the dispatcher. */
    private volatile boolean inputEnded;
    /** A write to a closed pipe on the dispatcher thread: where SIGPIPE would have killed the C tool. */
    private volatile UncheckedIOException brokenPipe;

    TrackSession(CmapHandle handle, Options options, Stdio io, KeyPrinter printer) {
        this.handle = handle;
        this.options = options;
        this.io = io;
        this.printer = printer;
    }

    int run() {
        Set<TrackEvent> events = EnumSet.of(TrackEvent.ADD, TrackEvent.DELETE, TrackEvent.MODIFY);
        if (options.trackPrefix()) {
            events.add(TrackEvent.PREFIX);
        }
        for (String key : options.operands()) {
            try {
                handle.trackAdd(key, events, (h, notification) -> print(notification));
            } catch (CmapException e) {
                io.err().print("Failed to add tracking function. Error " + Session.strerror(e) + "\n");
                throw new Exit(ExitCode.FAILURE);
            }
        }
        printer.trackingPrompt();
        io.out().flush();
        Thread dispatcher = Thread.ofPlatform().name("jcmapctl-dispatch").daemon().start(this::dispatch);
        Thread.ofPlatform().name("jcmapctl-stdin").daemon().start(this::readCommands);
        awaitFinish();
        quitting = true;
        if (inputEnded && stopDispatcher(dispatcher)) {
            dispatchWhatArrived();
        }
        handle.close();
        join(dispatcher);
        if (brokenPipe != null) {
            throw brokenPipe; // Jcmapctl.runGuarded: status 141, silently, as SIGPIPE ends the C tool
        }
        return ExitCode.SUCCESS;
    }

    /**
     * Ends the waiting dispatch without closing the handle: an interrupt ends it before its next
     * callback (the one running completes), so no change that arrived is lost with it.
     *
     * @return whether it ended
     */
    private static boolean stopDispatcher(Thread dispatcher) {
        dispatcher.interrupt();
        join(dispatcher);
        return !dispatcher.isAlive(); // else stuck in a write to a full pipe: its dispatch goes on
    }

    /**
     * Prints the changes that arrived before "q" (or the end of input) was read, as the C tool's
     * loop does: the poll that sees stdin readable dispatches all that waits on the CMAP
     * descriptor too before it quits. Closing at once dropped them (20 changes made just before
     * "q": 0 or 1 printed).
     */
    private void dispatchWhatArrived() {
        if (brokenPipe != null) {
            return;
        }
        try {
            handle.dispatch(DispatchType.ALL);
        } catch (CmapException e) {
            io.err().print(dispatchError(e));
        } catch (UncheckedIOException e) {
            brokenPipe = e;
        }
    }

    private static void join(Thread dispatcher) {
        try {
            dispatcher.join(TimeUnit.SECONDS.toMillis(DISPATCHER_STOP_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitFinish() {
        try {
            finished.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void print(CmapNotification change) {
        TrackEvent event = change.event();
        printer.change(event, change.key(), event == TrackEvent.DELETE ? change.oldValue() : change.newValue(),
                change.oldValue());
        io.out().flush();
    }

    private void dispatch() {
        try {
            handle.dispatch(DispatchType.BLOCKING);
        } catch (CmapException e) {
            report(dispatchError(e));
        } catch (UncheckedIOException e) {
            // a change printed to a closed pipe (the listener's exception ends the dispatch)
            brokenPipe = e;
        } catch (RuntimeException e) {
            report("jcmapctl: " + e + "\n");
        } finally {
            finished.countDown();
        }
    }

    /** The C tool's line for a failed {@code cmap_dispatch}. */
    private static String dispatchError(CmapException e) {
        return "Dispatch error " + Session.strerror(e) + "\n";
    }

    /** An error of the dispatcher, unless the session is ending anyway; a closed stderr is a closed pipe too. */
    private void report(String message) {
        if (quitting) {
            return;
        }
        try {
            io.err().print(message);
        } catch (UncheckedIOException e) {
            brokenPipe = e;
        }
    }

    /** Reads stdin as the C loop does, until "q" or the end. */
    private void readCommands() {
        try {
            waitForQuit(io.in());
            inputEnded = true;
        } finally {
            finished.countDown();
        }
    }

    /**
     * Reads stdin in the chunks of the C tool's {@code fgets(inbuf, 3, stdin)} (two bytes, or
     * fewer up to a newline) and returns when a chunk starting with 'q' has been read, or at the end of the input (or a
     * read error).
     *
     * @param in standard input
     */
    static void waitForQuit(InputStream in) {
        try {
            while (true) {
                int first = in.read();
                if (first < 0 || first == 'q') {
                    return;
                }
                if (first != '\n') {
                    int second = in.read();
                    if (second < 0) {
                        return;
                    }
                }
            }
        } catch (IOException e) {
            // an unreadable stdin ends the session, like its end
        }
    }
}
