package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jdi.Bootstrap;
import com.sun.jdi.ClassType;
import com.sun.jdi.Method;
import com.sun.jdi.ObjectReference;
import com.sun.jdi.ReferenceType;
import com.sun.jdi.StringReference;
import com.sun.jdi.ThreadReference;
import com.sun.jdi.Value;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A caller that gives up (an interrupt, decision 0035) while another thread delivers its answer:
 * the reader looked at whether the caller still waits, then uses the request's decoder, which the
 * caller's giving up let go of meanwhile. The moment cannot be held from the outside, so the
 * program ({@link InterruptWhileAnswerReadProgram}) runs in a JVM of its own under this test's
 * debugger, which holds the reader just after its look while the program interrupts the caller.
 */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class InterruptWhileAnswerReadTest {
    private static final String PROGRAM = InterruptWhileAnswerReadProgram.class.getName();
    private static final Pattern LISTENING = Pattern.compile("Listening for transport dt_socket at address: (\\d+)");

    @Test
    void aCallerGivingUpWhileAnotherThreadDeliversItsAnswerLeavesTheReaderWorking() throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED",
                "-agentlib:jdwp=transport=dt_socket,server=y,suspend=y,address=127.0.0.1:0",
                "-cp", System.getProperty("java.class.path"), PROGRAM);
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
            debug(attach(Integer.parseInt(port.group(1))));
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the program ended");
            String printed = rest.get(10, TimeUnit.SECONDS);
            System.out.print("[" + PROGRAM + "] " + printed);
            assertEquals(0, child.exitValue(), printed);
        } finally {
            child.destroyForcibly();
        }
    }

    private static VirtualMachine attach(int port) throws Exception {
        AttachingConnector socket = Bootstrap.virtualMachineManager().attachingConnectors().stream()
                .filter(c -> c.name().equals("com.sun.jdi.SocketAttach")).findFirst().orElseThrow();
        Map<String, Connector.Argument> arguments = socket.defaultArguments();
        arguments.get("hostname").setValue("127.0.0.1");
        arguments.get("port").setValue(Integer.toString(port));
        return socket.attach(arguments);
    }

    /** Holds the reader inside its delivery of "b", after its look at the request, until the program says to let it go. */
    private static void debug(VirtualMachine vm) throws Exception {
        EventRequestManager requests = vm.eventRequestManager();
        ClassPrepareRequest prepared = requests.createClassPrepareRequest();
        prepared.addClassFilter(PROGRAM);
        prepared.enable();
        vm.resume();
        ThreadReference heldThread = null;
        BreakpointRequest delivery = null;
        while (true) {
            EventSet events = vm.eventQueue().remove();
            boolean resume = true;
            for (Event event : events) {
                if (event instanceof VMDeathEvent || event instanceof VMDisconnectEvent) {
                    return;
                }
                if (event instanceof ClassPrepareEvent prepare) {
                    ReferenceType program = prepare.referenceType();
                    breakAt(requests, program, "aboutToRead");
                    breakAt(requests, program, "releaseHeld");
                } else if (event instanceof BreakpointEvent hit) {
                    String method = hit.location().method().name();
                    ThreadReference thread = hit.thread();
                    if (method.equals("aboutToRead")) {
                        ReferenceType pipeline = vm.classesByName(Pipeline.class.getName()).getFirst();
                        Method deliver = pipeline.methodsByName("deliver").getFirst();
                        delivery = requests.createBreakpointRequest(deliver.location());
                        delivery.addThreadFilter(thread);
                        delivery.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
                        delivery.enable();
                    } else if (method.equals("releaseHeld")) {
                        if (heldThread != null) {
                            heldThread.resume();
                        }
                    } else if (method.equals("deliver") && heldThread == null) {
                        ObjectReference pending = (ObjectReference) thread.frame(0).getArgumentValues().getFirst();
                        Value key = pending.getValue(pending.referenceType().fieldByName("key"));
                        if (key instanceof StringReference name && name.value().equals("b")) {
                            delivery.disable();
                            // over the look at whether its caller still waits
                            StepRequest over = requests.createStepRequest(thread, StepRequest.STEP_LINE,
                                    StepRequest.STEP_OVER);
                            over.addCountFilter(1);
                            over.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
                            over.enable();
                        }
                    }
                } else if (event instanceof StepEvent step) {
                    requests.deleteEventRequest(step.request());
                    heldThread = step.thread();
                    ClassType program = (ClassType) vm.classesByName(PROGRAM).getFirst();
                    program.setValue(program.fieldByName("held"), vm.mirrorOf(true));
                    resume = false; // held until releaseHeld
                }
            }
            if (resume) {
                events.resume();
            }
        }
    }

    private static void breakAt(EventRequestManager requests, ReferenceType type, String method) {
        BreakpointRequest request = requests.createBreakpointRequest(type.methodsByName(method).getFirst().location());
        request.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
        request.enable();
    }
}
