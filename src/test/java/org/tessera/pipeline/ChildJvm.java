package org.tessera.pipeline;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.tessera.cli.Main;
import org.tessera.io.FitsFrame;

/** {@code tessera ARGS} ({@link Main}) in a child JVM with a given heap, as {@code JAVA_OPTS=-Xmx…} would run it. */
final class ChildJvm {
    private ChildJvm() {}

    /** What a finished child printed and returned. */
    record Run(int exit, String output) {}

    /** Starts the CLI; its output (stdout and stderr) goes to {@code log}. {@code heap} null: the JVM's default. */
    static Process start(String heap, Path log, String... args) throws IOException {
        return startWith(heap == null ? List.of() : List.of("-Xmx" + heap), log, args);
    }

    /** {@link #start(String, Path, String...)} with any JVM options ({@code -XX:ActiveProcessorCount=1}, …). */
    static Process startWith(List<String> jvmOptions, Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    static Run run(String heap, Path log, long timeoutSec, String... args) throws Exception {
        return runWith(heap == null ? List.of() : List.of("-Xmx" + heap), log, timeoutSec, args);
    }

    static Run runWith(List<String> jvmOptions, Path log, long timeoutSec, String... args) throws Exception {
        Process p = startWith(jvmOptions, log, args);
        if (!p.waitFor(timeoutSec, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            fail("child JVM timed out after " + timeoutSec + " s:\n" + Files.readString(log));
        }
        return new Run(p.exitValue(), Files.readString(log));
    }

    /** Every pixel of a FITS image's channels, in order. */
    static float[][] pixels(Path fits) throws IOException {
        FitsFrame f = FitsFrame.open(fits);
        float[][] band = f.newBand(f.height());
        f.readRows(0, f.height(), band);
        return band;
    }
}
