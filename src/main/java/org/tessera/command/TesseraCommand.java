package org.tessera.command;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import ij.IJ;
import ij.ImagePlus;
import org.scijava.app.StatusService;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.platform.PlatformService;
import org.scijava.plugin.Parameter;
import org.scijava.ui.DialogPrompt.MessageType;
import org.scijava.ui.UIService;
import org.tessera.UserMessages;
import org.tessera.fiji.OpenImages;
import org.tessera.gpu.GpuService;
import org.tessera.pipeline.MosaicPipeline.Outcome;
import org.tessera.pipeline.OutputRun;
import org.tessera.pipeline.RunLog;

/**
 * What every Tessera SciJava command does around its job, so that a command only declares its
 * dialog fields and turns them into a {@link JobRequest}: hold the output and open the run log (file + Fiji log; {@link JobRequest#start}), run
 * with progress on the status bar, report outputs, skipped inputs and steps not applied, record the run for
 * {@link LastRun}, hand the result images to {@link #show}, and on failure tell the user in one
 * line and cancel the command with that line as the reason (scripts see
 * {@code module.isCanceled()} and {@code getCancelReason()}; a headless process whose user asked
 * for it ends with status 1, {@link HeadlessExit}). The dialog fields stay in the
 * subclasses so that each dialog lists them in its own order: SciJava lists a superclass's
 * {@code @Parameter} inputs before the subclass's, and a parameter has no order of its own.
 */
abstract class TesseraCommand extends ContextCommand {

    private static final Logger LOG = Logger.getLogger("org.tessera.command");

    /** Shared field descriptions (the three dialogs say the same about the same keys). */
    static final String IMAGE_DESCRIPTION = "An image open in Fiji that carries its FITS header in its Info"
            + " (a master tile, or a stack of frames); written to temporary FITS files and used instead of the input";
    static final String CONFIG_DESCRIPTION = "Optional JSON config (ZeMosaic keys); overlays the defaults";
    static final String REJECTION_DESCRIPTION = "stacking_rejection_algorithm; '(default)' keeps the config file's value"
            + " when one is given. Macros: config, winsorized_sigma_clip, kappa_sigma, linear_fit_clip, none";
    static final String COMBINE_DESCRIPTION = "stacking_final_combine_method; '(default)' keeps the config file's value"
            + " when one is given. Macros: config, mean, median";
    static final String DEMOSAIC_DESCRIPTION = "stacking_demosaic: how raw colour (Bayer) frames are demosaiced for the"
            + " stacks. Gradient-corrected (Malvar-He-Cutler): stars as drawn; Bilinear (the original's): faster, stars ~20 %"
            + " wider. '(default)' keeps the config file's value when one is given. Macros: config, mhc, bilinear";
    static final String GPU_DESCRIPTION = "use_gpu_phase5; '(default)' keeps the config file's value when one is given;"
            + " without a healthy CUDA GPU the run uses the CPU either way. Macros: config, on, off";
    static final String MODE_DESCRIPTION = "sds_mode_default. Classic: frames stacked into master tiles, then the mosaic;"
            + " SDS (mosaic first): batches of frames that each cover the field coadded onto one grid, then stacked (one"
            + " field shot many times; Classic when no batch covers the field). A folder with stack_plan.csv runs in Grid mode"
            + " either way. '(default)' keeps the config file's value when one is given. Macros: config, classic, sds";
    static final String SETTINGS_DESCRIPTION = "More config keys as key=value pairs separated by spaces or new lines; applied last";
    static final String COVERAGE_DESCRIPTION = "Also open mosaic_coverage.fits (the sum of weights per pixel) as an image";
    static final String HELP_DESCRIPTION = "Opens the user guide: " + UserGuide.URL;

    @Parameter(required = false)
    PlatformService platform;

    @Parameter
    LogService log;

    @Parameter
    StatusService status;

    @Parameter(required = false)
    UIService ui;

    /** The context's GPU service: the run's GPU health, VRAM and Phase 3 state. */
    @Parameter(required = false)
    GpuService gpuService;

    /** The pipeline; tests swap in a fake. */
    Jobs jobs = Jobs.PIPELINE;

    /** The temporary FITS files of an open image given as input, deleted after the run. */
    private Path imageDir;

    /** The dialog's values as a job: defaults < config file < choices < settings; see {@link #request(Job, File, ImagePlus, File, File, Map, String)}. */
    abstract JobRequest request() throws IOException;

    /** Sets the command's image outputs from the opened results (Fiji shows outputs; the command never does). */
    abstract void show(ResultImages images);

    /** Whether the coverage map is to be opened too. */
    boolean coverage() {
        return false;
    }

    /** The failure of this run, worded for the user; null while none. */
    private String failure;

    @Override
    public void run() {
        failure = null;
        try {
            runJob();
        } finally {
            // After the run log is closed and the temporary files deleted: a headless process may end here.
            if (failure != null) HeadlessExit.failed(failure, ui == null || ui.isHeadless());
        }
    }

    private void runJob() {
        JobRequest request;
        Outcome outcome;
        try {
            LastRun.clear();
            try {
                String options = RememberedInputs.macroOptions();
                if (options != null) MacroOptions.check(options, macroKeys(getClass()), menuLabel(getClass()));
                request = request();
            } catch (IOException | RuntimeException e) {
                String msg = Errors.describe(e);
                log.error("Tessera: " + msg);
                fail(msg);
                return;
            }
            outcome = execute(request);
        } finally {
            OpenImages.delete(imageDir);
            imageDir = null;
        }
        if (outcome != null)
            show(ResultImages.open(request, outcome, coverage(), w -> log.warn("Tessera: " + w)));
    }

    /** @return the outcome, or null after a failure or cancel (the command is then cancelled) */
    private Outcome execute(JobRequest request) {
        // The output held first: a run refused because another holds it writes nothing into that run's log.
        try (FrontRun one = FrontRun.hold(request); OutputRun run = request.start(new LogServiceHandler(log))) {
            RunLog runLog = run.log();
            try {
                LOG.info(request.describe());
                LOG.fine("config: " + request.configLine());
                for (String w : request.warnings()) LOG.warning(w);
                // Headless (no UI, or Fiji --headless): no status bar to watch, so progress goes to the log too.
                boolean headless = ui == null || ui.isHeadless();
                IJ.resetEscape(); // an Esc pressed before this run must not cancel it
                Outcome outcome = request.run(Jobs.withGpu(jobs, gpuService), new StatusProgress(status, Thread.currentThread(),
                        ProgressText.headlessLines(headless, LOG::info)));
                for (String line : OutcomeReport.outputs(outcome, runLog.file())) LOG.info(line);
                for (String line : OutcomeReport.skipped(outcome)) LOG.warning("skipped " + line);
                for (String line : OutcomeReport.notApplied(outcome)) LOG.warning(line);
                for (String line : OutcomeReport.summary(outcome, runLog.file())) LOG.warning(line);
                LastRun.succeeded(outcome, request.output(), runLog.file(), request.job() == Job.STACK);
                String left = OutcomeReport.counts(outcome);
                status.showStatus(1, 1, "Tessera: done" + (left.isEmpty() ? "" : ", " + left + " (see the log)"));
                return outcome;
            } catch (IOException | RuntimeException e) {
                String msg = Errors.describe(e);
                if (UserMessages.isCancel(e)) { // as asked, not a failure: no error dialog
                    LOG.info(msg);
                    LOG.info(request.rerunAdvice()); // what the stopped run leaves for its rerun, as the command line says
                    LastRun.cancelled(msg);
                    status.showStatus(1, 1, "Tessera: " + msg);
                    cancel(msg);
                    return null;
                }
                LOG.log(Level.SEVERE, "failed: " + Errors.logLine(e), e); // file gets the trace, Fiji's log the line
                fail(msg);
                return null;
            }
        } catch (IOException e) { // refused, or no log: nothing was run
            String msg = Errors.describe(e);
            log.error("Tessera: " + msg);
            fail(msg);
            return null;
        }
    }

    private void fail(String msg) {
        LastRun.failed(msg);
        status.showStatus("Tessera failed: " + msg);
        if (ui != null && !ui.isHeadless()) ui.showDialog(msg, "Tessera", MessageType.ERROR_MESSAGE);
        cancel(msg);
        if (RememberedInputs.macroOptions() != null) abortMacro();
        failure = msg;
    }

    /**
     * Stops the macro whose line ran this command, as ImageJ 1's own errors do: the flag makes
     * {@code IJ.run} end the macro when the command returns, so the next line never works on a
     * mosaic that was not made (Fiji's macro call would otherwise just go on).
     */
    private static void abortMacro() {
        try {
            ij.Macro.abort();
        } catch (RuntimeException e) {
            // on the macro's own thread ImageJ throws at once; the flag set above ends the macro all the same
        }
    }

    /** The Help button's callback (each dialog declares the button; the callback is shared). */
    void help() {
        UserGuide.open(platform, ui);
    }

    /**
     * A job from the fields every command has. The input is the {@code input} field, or the open
     * {@code image} written as FITS into a temporary folder (deleted after the run); not both.
     */
    JobRequest request(Job job, File input, ImagePlus image, File output, File config,
                       Map<String, String> choices, String settings) throws IOException {
        Path in = path(input);
        if (image != null) {
            if (in != null) throw new IllegalArgumentException("give either an input (folder or file) or an open image, not both");
            imageDir = OpenImages.tempDir();
            OpenImages.write(image, imageDir);
            in = imageDir;
        }
        return JobRequest.fromForm(job, in, path(output), path(config), choices, settings);
    }

    /** The macro keys of a command: its input fields a person fills in (not services, buttons or messages). */
    static List<String> macroKeys(Class<?> command) {
        List<String> keys = new java.util.ArrayList<>();
        for (java.lang.reflect.Field f : command.getDeclaredFields()) {
            Parameter p = f.getAnnotation(Parameter.class);
            if (p == null || p.type() != org.scijava.ItemIO.INPUT || p.visibility() == org.scijava.ItemVisibility.MESSAGE
                    || org.scijava.service.Service.class.isAssignableFrom(f.getType())
                    || f.getType() == org.scijava.widget.Button.class) continue;
            keys.add(f.getName());
        }
        return keys;
    }

    /** "Build Mosaic...": the last part of the command's menu path. */
    static String menuLabel(Class<?> command) {
        String path = command.getAnnotation(org.scijava.plugin.Plugin.class).menuPath();
        return path.substring(path.lastIndexOf('>') + 1);
    }

    /**
     * The dialog's drop-downs as {@link #request(Job, File, ImagePlus, File, File, Map, String)} takes
     * them: macro key, value, macro key, value …, in dialog order (a null value counts as not given).
     */
    static Map<String, String> choices(String... keysAndValues) {
        if (keysAndValues.length % 2 != 0) throw new IllegalArgumentException("choices come as key, value pairs");
        Map<String, String> choices = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) choices.put(keysAndValues[i], keysAndValues[i + 1]);
        return choices;
    }

    /** A File parameter as a path; an empty field counts as not given. */
    static Path path(File f) {
        return f == null || f.getPath().isBlank() ? null : f.toPath();
    }
}
