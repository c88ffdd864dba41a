package io.jcmap.tools;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** Whether a descriptor is a terminal: C's {@code isatty}, which decides stdout's buffering. */
final class Terminal {
    /** The descriptor of standard output. */
    static final int STDOUT = 1;

    private Terminal() {
    }

    /** {@return true when {@code fd} is a terminal; false also when the check itself fails} */
    static boolean isatty(int fd) {
        try {
            Linker linker = Linker.nativeLinker();
            MethodHandle isatty = linker.downcallHandle(linker.defaultLookup().find("isatty").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            return (int) isatty.invokeExact(fd) == 1;
        } catch (Throwable e) {
            return false;
        }
    }
}
