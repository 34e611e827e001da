package org.tessera.command;

import java.io.File;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import ij.ImagePlus;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.ui.UIService;
import org.tessera.gpu.GpuService;

/**
 * Plugins › Tessera › Stack Frames: frames → one master tile on the grid of the central frame.
 * Macro: {@code run("Stack Frames", "input=[/data/frames] output=[/data/tile.fits] combine=median")}.
 */
@Plugin(type = Command.class, menuPath = "Plugins>Tessera>Stack Frames", headless = true,
        description = "Stack frames of one field into a master tile (FITS with ALPHA)")
public class StackFramesCommand extends ContextCommand {

    @Parameter(label = "Frames (folder or file)", style = "both", persist = false,
            description = "A folder of FITS frames, or one FITS file")
    File input;

    @Parameter(label = "Output FITS file", style = "save", persist = false,
            description = "The stacked tile, e.g. /data/out/tile.fits; tessera.log goes beside it")
    File output;

    @Parameter(label = "Config file (JSON)", style = "open", required = false, persist = false,
            description = "Optional JSON config (ZeMosaic keys); overlays the defaults")
    File config;

    @Parameter(label = "Rejection", persist = false,
            choices = {"config", "winsorized_sigma_clip", "kappa_sigma", "linear_fit_clip", "none"},
            description = "stacking_rejection_algorithm; 'config' keeps the config file's value or the default")
    String rejection = Choices.KEEP;

    @Parameter(label = "Combine", persist = false, choices = {"config", "mean", "median"},
            description = "stacking_final_combine_method; 'config' keeps the config file's value or the default")
    String combine = Choices.KEEP;

    @Parameter(label = "GPU", persist = false, choices = {"config", "on", "off"},
            description = "use_gpu_phase5; 'config' keeps the config file's value or the default")
    String gpu = Choices.KEEP;

    @Parameter(label = "Settings (key=value ...)", style = "text area", required = false, persist = false,
            description = "More config keys as key=value pairs separated by spaces or new lines; applied last")
    String settings = "";

    /** The stacked tile as Fiji shows it (composite, preview stretch, calibrated); null if it could not be opened. */
    @Parameter(label = "Stacked tile", type = ItemIO.OUTPUT)
    ImagePlus tile;

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

    @Override
    public void run() {
        CommandSupport.Done done = CommandSupport.run(this, this::request, Jobs.withGpu(jobs, gpuService), log, status, ui);
        if (done == null) return;
        tile = CommandSupport.images(done, false, log).image();
    }

    /** The parameters as a job: defaults < config file < choices < settings. */
    JobRequest request() throws IOException {
        Map<String, String> choices = new LinkedHashMap<>();
        choices.put("rejection", rejection);
        choices.put("combine", combine);
        choices.put("gpu", gpu);
        return JobRequest.fromForm(Job.STACK, CommandSupport.path(input), CommandSupport.path(output),
                CommandSupport.path(config), choices, settings);
    }
}
