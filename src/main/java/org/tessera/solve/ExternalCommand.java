package org.tessera.solve;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external program in a working folder with a wall-clock limit: standard output and error
 * go to a file there (a solver can print megabytes; nothing blocks on a full pipe), and a program
 * still running at the limit is stopped together with the processes it started.
 */
final class ExternalCommand {

    private ExternalCommand() {}

    /** How the program ended. {@code exitCode} is -1 when it was stopped at the limit or could not start. */
    record Outcome(int exitCode, boolean timedOut, String startError, String outputTail, double seconds) {
        boolean started() { return startError == null; }

        /** The failure of a program that did not start: "cannot run {@code executable}: why ({@code hint}; see docs/solving.md)". */
        String cannotRun(String executable, String hint) {
            return "cannot run " + executable + ": " + startError + " (" + hint + "; see docs/solving.md)";
        }
    }

    /** {@code seconds} as a wall-clock limit: it must be > 0 (else IllegalArgumentException). */
    static double limit(double seconds) {
        if (!(seconds > 0)) throw new IllegalArgumentException("timeout must be > 0 s, got " + seconds);
        return seconds;
    }

    /** A number as one argument of a command line: six decimals, a point whatever the locale. */
    static String arg(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }

    static final String OUTPUT = "solver-output.txt";

    static Outcome run(List<String> command, Path dir, double timeoutSeconds) throws InterruptedException {
        long t0 = System.nanoTime();
        Path log = dir.resolve(OUTPUT);
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(nullDevice())).start();
        } catch (IOException e) {
            return new Outcome(-1, false, e.getMessage() == null ? e.toString() : e.getMessage(), "", seconds(t0));
        }
        SolverScratch.started(p); // stopped with the JVM, even by a signal
        boolean done;
        try {
            done = p.waitFor((long) Math.ceil(timeoutSeconds * 1000), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            stop(p);
            throw e;
        } finally {
            SolverScratch.ended(p);
        }
        if (!done) {
            stop(p);
            return new Outcome(-1, true, null, tail(log), seconds(t0));
        }
        return new Outcome(p.exitValue(), false, null, tail(log), seconds(t0));
    }

    private static void stop(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name", "").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** The last lines of the program's output (for the log and failure messages). */
    static String tail(Path log) {
        try {
            String s = Files.readString(log, StandardCharsets.ISO_8859_1).strip();
            return s.length() <= 2000 ? s : "…" + s.substring(s.length() - 2000);
        } catch (IOException e) {
            return "";
        }
    }

    /** The last non-empty line of {@code text}, or "" (solvers print their verdict last). */
    static String lastLine(String text) {
        String[] lines = text.strip().split("\\R");
        return lines.length == 0 ? "" : lines[lines.length - 1].strip();
    }
}
