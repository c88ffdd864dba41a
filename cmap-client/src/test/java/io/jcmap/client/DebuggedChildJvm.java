package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jdi.Bootstrap;
import com.sun.jdi.ClassType;
import com.sun.jdi.Method;
import com.sun.jdi.ReferenceType;
import com.sun.jdi.ThreadReference;
import com.sun.jdi.VirtualMachine;
import com.sun.jdi.connect.AttachingConnector;
import com.sun.jdi.connect.Connector;
import com.sun.jdi.event.BreakpointEvent;
import com.sun.jdi.event.ClassPrepareEvent;
import com.sun.jdi.event.Event;
import com.sun.jdi.event.EventSet;
import com.sun.jdi.event.StepEvent;
import com.sun.jdi.event.VMDeathEvent;
import com.sun.jdi.event.VMDisconnectEvent;
import com.sun.jdi.request.BreakpointRequest;
import com.sun.jdi.request.ClassPrepareRequest;
import com.sun.jdi.request.EventRequest;
import com.sun.jdi.request.EventRequestManager;
import com.sun.jdi.request.StepRequest;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A program run in a JVM of its own under a JDI debugger, for the races whose moment, between two
 * steps of one thread, cannot be held from the outside: the debugger holds that thread there while
 * the program does what races with it, then lets it go. The program and the test's debugger meet
 * in this class: the program names the thread to watch ({@link #watchThisThread}), waits for
 * {@link #held} and calls {@link #releaseHeld}, exiting 0 when the race went right; the test says
 * where to hold the thread (a {@link Hold}) and {@link #run}s the program. One copy of the
 * launching, attaching and holding, so that each such test says only its moment.
 */
final class DebuggedChildJvm {
    private static final Pattern LISTENING = Pattern.compile("Listening for transport dt_socket at address: (\\d+)");
    /** Set by the debugger once it holds the watched thread. */
    static volatile boolean held;

    private DebuggedChildJvm() {
    }

    /** In the program: the debugger watches the calling thread from here on, as the test's {@link Hold} says. */
    static void watchThisThread() {
    }

    /** In the program: the debugger lets the held thread go on here. */
    static void releaseHeld() {
    }

    /**
     * In the program: looks every millisecond until {@code condition} holds; after 20 s says it
     * timed out waiting until {@code what}, and exits 2.
     */
    static void awaitOrExit(BooleanSupplier condition, String what) {
        awaitOrExit(condition, () -> "timed out waiting until " + what);
    }

    /** As above, the RESULT line saying {@code result}. */
    static void awaitOrExit(BooleanSupplier condition, Supplier<String> result) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                System.out.println("RESULT: " + result.get());
                System.exit(2);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /**
     * Where the debugger holds the watched thread: stopped at the start of the first of its calls
     * (of the methods {@link #atCallOf} and {@link #orCallOf} name) that {@link #when} accepts, or
     * {@link #thenStep one step} on from there.
     */
    static final class Hold {
        private final List<Map.Entry<String, String>> calls = new ArrayList<>();
        private Check accepts = thread -> true;
        private boolean steps;
        private int stepSize;
        private int stepDepth;

        private Hold() {
        }

        static Hold atCallOf(Class<?> type, String method) {
            return new Hold().orCallOf(type, method);
        }

        Hold orCallOf(Class<?> type, String method) {
            calls.add(Map.entry(type.getName(), method));
            return this;
        }

        Hold when(Check check) {
            accepts = check;
            return this;
        }

        /** One step of the thread ({@link StepRequest}'s size and depth) before it is held. */
        Hold thenStep(int size, int depth) {
            steps = true;
            stepSize = size;
            stepDepth = depth;
            return this;
        }
    }

    /** A look at a thread the debugger stopped (JDI's looks throw checked exceptions). */
    interface Check {
        boolean test(ThreadReference stopped) throws Exception;
    }

    /**
     * In the test: runs {@code program} under the debugger, holding its watched thread as
     * {@code hold} says; the program must end within 60 s, exiting 0. Prints what it printed.
     */
    static void run(Class<?> program, Hold hold) throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED",
                "-agentlib:jdwp=transport=dt_socket,server=y,suspend=y,address=127.0.0.1:0",
                "-cp", System.getProperty("java.class.path"), program.getName());
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            BufferedReader output = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            String first = output.readLine();
            Matcher port = LISTENING.matcher(first == null ? "" : first);
            if (!port.find()) {
                throw new AssertionError("no debug port from the program: " + first);
            }
            CompletableFuture<String> rest = CompletableFuture.supplyAsync(() -> {
                StringBuilder all = new StringBuilder();
                output.lines().forEach(line -> all.append(line).append('\n'));
                return all.toString();
            });
            debug(attach(Integer.parseInt(port.group(1))), hold);
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the program ended");
            String printed = rest.get(10, TimeUnit.SECONDS);
            System.out.print("[" + program.getName() + "] " + printed);
            assertEquals(0, child.exitValue(), printed);
        } finally {
            child.destroyForcibly();
        }
    }

    /** A breakpoint at each method of {@code hold}'s calls, stopping {@code thread} only. */
    private static List<BreakpointRequest> breakIn(ThreadReference thread, Hold hold) {
        EventRequestManager requests = thread.virtualMachine().eventRequestManager();
        List<BreakpointRequest> breakpoints = new ArrayList<>();
        for (Map.Entry<String, String> call : hold.calls) {
            for (ReferenceType type : thread.virtualMachine().classesByName(call.getKey())) {
                for (Method m : type.methodsByName(call.getValue())) {
                    BreakpointRequest request = requests.createBreakpointRequest(m.location());
                    request.addThreadFilter(thread);
                    request.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
                    request.enable();
                    breakpoints.add(request);
                }
            }
        }
        return breakpoints;
    }

    private static VirtualMachine attach(int port) throws Exception {
        AttachingConnector socket = Bootstrap.virtualMachineManager().attachingConnectors().stream()
                .filter(c -> c.name().equals("com.sun.jdi.SocketAttach")).findFirst().orElseThrow();
        Map<String, Connector.Argument> arguments = socket.defaultArguments();
        arguments.get("hostname").setValue("127.0.0.1");
        arguments.get("port").setValue(Integer.toString(port));
        return socket.attach(arguments);
    }

    /** Holds the watched thread where {@code hold} says, until the program says to let it go. */
    private static void debug(VirtualMachine vm, Hold hold) throws Exception {
        EventRequestManager requests = vm.eventRequestManager();
        // this class, as the program loads it: where the program and the debugger meet
        ClassPrepareRequest prepared = requests.createClassPrepareRequest();
        prepared.addClassFilter(DebuggedChildJvm.class.getName());
        prepared.enable();
        vm.resume();
        ClassType meeting = null;
        BreakpointRequest watchFrom = null;
        BreakpointRequest release = null;
        List<BreakpointRequest> calls = List.of();
        ThreadReference heldThread = null;
        while (true) {
            EventSet events = vm.eventQueue().remove();
            boolean resume = true;
            for (Event event : events) {
                if (event instanceof VMDeathEvent || event instanceof VMDisconnectEvent) {
                    return;
                }
                ThreadReference there = null;
                if (event instanceof ClassPrepareEvent prepare) {
                    meeting = (ClassType) prepare.referenceType();
                    watchFrom = breakAt(requests, meeting, "watchThisThread");
                    release = breakAt(requests, meeting, "releaseHeld");
                } else if (event instanceof BreakpointEvent hit && hit.request().equals(watchFrom)) {
                    calls = breakIn(hit.thread(), hold);
                } else if (event instanceof BreakpointEvent hit && hit.request().equals(release)) {
                    if (heldThread != null) {
                        heldThread.resume();
                    }
                } else if (event instanceof BreakpointEvent hit && heldThread == null) {
                    if (hold.accepts.test(hit.thread())) {
                        calls.forEach(EventRequest::disable);
                        if (hold.steps) {
                            StepRequest once = requests.createStepRequest(hit.thread(), hold.stepSize, hold.stepDepth);
                            once.addCountFilter(1);
                            once.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
                            once.enable();
                        } else {
                            there = hit.thread();
                        }
                    }
                } else if (event instanceof StepEvent step) {
                    requests.deleteEventRequest(step.request());
                    there = step.thread();
                }
                if (there != null) {
                    heldThread = there;
                    meeting.setValue(meeting.fieldByName("held"), vm.mirrorOf(true));
                    resume = false; // held until releaseHeld
                }
            }
            if (resume) {
                events.resume();
            }
        }
    }

    private static BreakpointRequest breakAt(EventRequestManager requests, ReferenceType type, String method) {
        BreakpointRequest request = requests.createBreakpointRequest(type.methodsByName(method).getFirst().location());
        request.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
        request.enable();
        return request;
    }
}
