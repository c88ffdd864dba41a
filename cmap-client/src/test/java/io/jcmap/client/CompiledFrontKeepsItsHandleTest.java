package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The application's handle fences itself in each call (decision 0036): compiled by C2, a call
 * that no longer reads {@code this} let its handle be collected and closed under it. The
 * unit test of it (DroppedHandleTest) runs interpreted, where a frame keeps {@code this} anyway;
 * {@link CompiledFrontProgram} runs in a JVM that compiles ApplicationHandle at its first call.
 * Without the fences the blocking dispatch's handle was closed under it.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CompiledFrontKeepsItsHandleTest {
    @Test
    void aCompiledCallKeepsItsHandle() throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:-TieredCompilation", "-Xcomp",
                "-XX:CompileOnly=io.jcmap.client.ApplicationHandle::*", "-XX:CompileCommand=quiet",
                "-cp", System.getProperty("java.class.path"), CompiledFrontProgram.class.getName());
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(child.getInputStream()));
            assertTrue(child.waitFor(90, TimeUnit.SECONDS), "the program ended");
            String printed = output.get(10, TimeUnit.SECONDS);
            System.out.print("[" + CompiledFrontProgram.class.getSimpleName() + "] " + printed);
            assertEquals(0, child.exitValue(), printed);
        } finally {
            child.destroyForcibly();
        }
    }

    private static String readAll(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
