package io.jcmap.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The C baseline in its "paired" mode ({@code cmap_bench paired}): a process that times a block
 * of connect+closes or of tracked sets when asked, and prints the lines of all of them when its
 * input ends.
 */
final class Baseline implements AutoCloseable {
    /** Longest the baseline may take to end once its input has. */
    private static final long END_TIMEOUT_SECONDS = 60;

    private final Process process;
    private final Writer requests;
    private final BufferedReader answers;

    private Baseline(Process process) {
        this.process = process;
        this.requests = process.outputWriter(StandardCharsets.US_ASCII);
        this.answers = process.inputReader(StandardCharsets.US_ASCII);
    }

    /** Starts {@code command} and waits until it has made its own warm-up connects. */
    static Baseline start(List<String> command) throws IOException {
        Baseline baseline = new Baseline(new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start());
        try {
            baseline.expect("ready");
        } catch (IOException | RuntimeException e) {
            baseline.close();
            throw e;
        }
        return baseline;
    }

    /** Times {@code count} connect+closes. */
    void connects(int count) throws IOException {
        ask("connect " + count);
    }

    /** Times {@code count} tracked sets and their notifications (the first call warms up first). */
    void trackedSets(int count) throws IOException {
        ask("track " + count);
    }

    /** Ends the input; the result lines the baseline printed then. */
    List<String> finish() throws IOException, InterruptedException {
        requests.close();
        List<String> lines = new ArrayList<>();
        for (String line = answers.readLine(); line != null; line = answers.readLine()) {
            lines.add(line);
        }
        if (!process.waitFor(END_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the C baseline did not end within " + END_TIMEOUT_SECONDS + " s");
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("the C baseline failed: exit " + process.exitValue());
        }
        return lines;
    }

    private void ask(String request) throws IOException {
        requests.write(request + "\n");
        requests.flush();
        expect("done");
    }

    private void expect(String word) throws IOException {
        String line = answers.readLine();
        if (!word.equals(line)) {
            throw new IllegalStateException("the C baseline answered " + (line == null ? "nothing" : "'" + line + "'")
                    + " where it should have said '" + word + "'");
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
