package org.tessera.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.logging.Handler;
import java.util.logging.Level;

import org.tessera.UserMessages;
import org.tessera.io.DecompressedCopies;

/**
 * The start of a run: the hold of its output ({@link OutputLock}), then its run log there
 * ({@link RunLog}), in that order, given back in the other. A run refused because another run
 * holds the output stops before it writes anything: not a line goes into the {@code tessera.log}
 * the other run is writing (the refusal reaches the user through the front, as a failure before
 * any log). Every front starts its runs here: {@code command.JobRequest#start} (command line, Fiji
 * commands, ImageJ 1 plugins), the Spark driver, the example scripts. The pipeline's entry points
 * take the hold again, which a run's own thread re-enters.
 *
 * <pre>try (OutputRun run = OutputRun.folder(outputDir, handlers)) { ... run.log().file() ... }</pre>
 */
public final class OutputRun implements AutoCloseable {

    private final OutputLock lock;
    private final RunLog log;
    /** The run's hold on the decompressed copies of compressed inputs: deleted when the last run ends. */
    private final DecompressedCopies.Hold copies = DecompressedCopies.run();

    private OutputRun(OutputLock lock, RunLog log) {
        this.lock = lock;
        this.log = log;
    }

    /**
     * A run that owns {@code outputDir} (mosaic, Grid mode, reproject): its folder held
     * ({@link OutputLock#acquire}), then its log {@code outputDir/tessera.log} opened with the
     * front's handlers.
     *
     * @throws IOException the refusal as {@link OutputLock} words it (naming the folder and the
     *                     run holding it), or "cannot write the run log in …" (the hold given back)
     */
    public static OutputRun folder(Path outputDir, Handler... frontHandlers) throws IOException {
        return start(OutputLock.acquire(outputDir), outputDir, frontHandlers);
    }

    /** {@link #folder(Path, Handler...)} with a console on {@link System#out} / {@link System#err} (scripts). */
    public static OutputRun folder(Path outputDir, boolean verbose) throws IOException {
        return folder(outputDir, RunLog.consoleHandler(verbose ? Level.FINE : Level.INFO, System.out, System.err));
    }

    /**
     * A stack run writing {@code outputFile}: the file held ({@link OutputLock#acquireFile}), then
     * the log {@code tessera.log} beside it opened (shared, appended, with other stacks of that folder).
     *
     * @throws IOException as {@link #folder(Path, Handler...)}, naming the file or the folder a run owns
     */
    public static OutputRun file(Path outputFile, Handler... frontHandlers) throws IOException {
        Path abs = outputFile.toAbsolutePath().normalize();
        return start(OutputLock.acquireFile(abs), abs.getParent(), frontHandlers);
    }

    private static OutputRun start(OutputLock lock, Path logDir, Handler... frontHandlers) throws IOException {
        try {
            return new OutputRun(lock, RunLog.start(logDir, frontHandlers));
        } catch (IOException | RuntimeException | Error e) {
            try {
                lock.close();
            } catch (IOException f) {
                e.addSuppressed(f);
            }
            if (e instanceof IOException io)
                throw new IOException("cannot write the run log in " + logDir + ": " + UserMessages.describe(io), io);
            throw e;
        }
    }

    /** The run's log. */
    public RunLog log() {
        return log;
    }

    /** Closes the log, then gives the hold back (the folder or file is free once the run's outermost hold is closed). */
    @Override
    public void close() throws IOException {
        try {
            log.close();
        } finally { // the hold is given back even when the log could not be closed
            try {
                lock.close();
            } finally {
                copies.close();
            }
        }
    }
}
