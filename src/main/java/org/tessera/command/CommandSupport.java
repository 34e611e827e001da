package org.tessera.command;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import ij.ImagePlus;
import org.scijava.app.StatusService;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.ui.DialogPrompt.MessageType;
import org.scijava.ui.UIService;
import org.tessera.UserMessages;
import org.tessera.fiji.OpenImages;
import org.tessera.pipeline.MosaicPipeline.Outcome;
import org.tessera.pipeline.RunLog;

/**
 * What every Tessera command does around its job: open the run log (file + Fiji log), run with
 * progress on the status bar, report outputs and skipped inputs, and on failure tell the user in
 * one line and cancel the command with that line as the reason (scripts see
 * {@code module.isCanceled()} and {@code getCancelReason()}).
 */
final class CommandSupport {
    private CommandSupport() {}

    private static final Logger LOG = Logger.getLogger("org.tessera.command");

    @FunctionalInterface
    interface RequestBuilder {
        JobRequest build() throws IOException;
    }

    /** A finished job: what was asked and what came out. */
    record Done(JobRequest request, Outcome outcome) {}

    /** @return the job and its outcome, or null after a failure (the command is then canceled) */
    static Done run(ContextCommand command, RequestBuilder builder, Jobs jobs,
                       LogService log, StatusService status, UIService ui) {
        JobRequest request;
        try {
            request = builder.build();
        } catch (IOException | RuntimeException e) {
            String msg = Errors.describe(e);
            log.error("Tessera: " + msg);
            fail(command, msg, status, ui);
            return null;
        }
        try (RunLog runLog = RunLog.start(request.logDir(), new LogServiceHandler(log))) {
            try {
                LOG.info(request.describe());
                LOG.fine("config: " + request.configLine());
                for (String w : request.warnings()) LOG.warning(w);
                Outcome outcome = request.run(jobs, new StatusProgress(status, Thread.currentThread()));
                for (String line : OutcomeReport.outputs(outcome, runLog.file())) LOG.info(line);
                List<String> skipped = OutcomeReport.skipped(outcome);
                for (String line : skipped) LOG.warning("skipped " + line);
                status.showStatus(1, 1, "Tessera: done" + (skipped.isEmpty() ? "" : ", " + skipped.size() + " input(s) skipped (see the log)"));
                return new Done(request, outcome);
            } catch (IOException | RuntimeException e) {
                String msg = Errors.describe(e);
                if (UserMessages.isCancel(e)) { // as asked, not a failure: no error dialog
                    LOG.info(msg);
                    status.showStatus(1, 1, "Tessera: " + msg);
                    command.cancel(msg);
                    return null;
                }
                LOG.log(Level.SEVERE, "failed: " + msg, e); // file gets the trace, Fiji's log the line
                fail(command, msg, status, ui);
                return null;
            }
        } catch (IOException e) {
            String msg = "cannot write the run log in " + request.logDir() + ": " + Errors.describe(e);
            log.error("Tessera: " + msg);
            fail(command, msg, status, ui);
            return null;
        }
    }

    private static void fail(ContextCommand command, String msg, StatusService status, UIService ui) {
        status.showStatus("Tessera failed: " + msg);
        if (ui != null && !ui.isHeadless()) ui.showDialog(msg, "Tessera", MessageType.ERROR_MESSAGE);
        command.cancel(msg);
    }

    /** The result images of a finished job (Fiji shows a command's image outputs, the command never does). */
    static ResultImages images(Done done, boolean coverage, LogService log) {
        return ResultImages.open(done.request(), done.outcome(), coverage, w -> log.warn("Tessera: " + w));
    }

    /**
     * The job's input: the {@code input} field, or the open {@code image} written as FITS into a
     * temporary folder (handed to {@code temp} for deletion after the run).
     */
    static Path input(File input, ImagePlus image, java.util.function.Consumer<Path> temp) throws IOException {
        Path in = path(input);
        if (image == null) return in;
        if (in != null) throw new IllegalArgumentException("give either an input (folder or file) or an open image, not both");
        Path dir = OpenImages.tempDir();
        temp.accept(dir);
        OpenImages.write(image, dir);
        return dir;
    }

    /** A File parameter as a path; an empty field counts as not given. */
    static Path path(File f) {
        return f == null || f.getPath().isBlank() ? null : f.toPath();
    }

    /** An output path of the outcome as a File parameter value. */
    static File file(Path p) {
        return p == null ? null : p.toFile();
    }
}
