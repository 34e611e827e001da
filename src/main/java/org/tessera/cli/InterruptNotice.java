package org.tessera.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.tessera.command.JobRequest;
import org.tessera.pipeline.RunLog;

/**
 * Says so when a command-line run is stopped by Ctrl-C or a kill signal (SIGINT, SIGTERM, SIGHUP):
 * without it the console and {@code tessera.log} just end mid-phase, and nothing tells the user
 * whether the outputs are usable or what to do. A shutdown hook while the job runs: one line on
 * standard error and at the end of the run log.
 * <p>
 * The hook writes the log file directly, not through java.util.logging: the JDK's own shutdown
 * hook closes the logging handlers at the same moment, in no set order.
 */
final class InterruptNotice implements AutoCloseable {

    /** What the user reads: what happened, what is left, what to do (a Classic mosaic run's words). */
    static final String MESSAGE = "interrupted before the run finished: files being written were left as .part files "
            + "(removed by the next run), never under their final names; rerun the same command to go on "
            + "(a mosaic run reuses its finished master tiles and plate solutions)";

    /**
     * The notice for {@code request}: the run's files, then what a rerun reuses
     * ({@link JobRequest#rerunAdvice}, which depends on the job and the mode).
     */
    static String message(JobRequest request) {
        return MESSAGE.substring(0, MESSAGE.indexOf("rerun the same command")) + request.rerunAdvice();
    }

    private final Thread hook;

    private InterruptNotice(Thread hook) {
        this.hook = hook;
    }

    /**
     * Watches the JVM's shutdown until {@link #close}: then it says so in {@code log} and on {@code err},
     * there after {@code who} ("tessera mosaic"), as the command's other messages.
     */
    static InterruptNotice watch(Path log, PrintStream err, String who, String message) {
        Thread hook = new Thread(() -> tell(log, err, who, message), "tessera-interrupt-notice");
        Runtime.getRuntime().addShutdownHook(hook);
        return new InterruptNotice(hook);
    }

    /** Writes the notice (the hook's work). */
    static void tell(Path log, PrintStream err, String who, String message) {
        err.println();
        err.println(who + ": " + message);
        err.flush();
        LogRecord r = new LogRecord(Level.SEVERE, message); // as the run log's own lines read
        r.setLoggerName("org.tessera.cli");
        String line = new RunLog.LineFormatter(false).format(r);
        try {
            Files.writeString(log, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the console has it; the log's folder is gone or read-only
        }
    }

    /** The job ended on its own: no notice. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down already: the hook runs (or has run)
        }
    }
}
