package org.tessera.command;

import java.io.File;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import ij.ImagePlus;
import org.scijava.ItemIO;
import org.scijava.ItemVisibility;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.platform.PlatformService;
import org.scijava.plugin.Plugin;
import org.scijava.ui.UIService;
import org.scijava.widget.Button;
import org.tessera.gpu.GpuService;

/**
 * Plugins › Tessera › Build Mosaic: a folder of frames → master tiles → one mosaic.
 * Field names are the macro keys: {@code run("Build Mosaic", "input=[/data/frames] output=[/data/out]
 * rejection=kappa_sigma settings=[stacking_kappa_low=2.5]")}. No input → the built-in default sky.
 */
@Plugin(type = Command.class, menuPath = "Plugins>Tessera>Build Mosaic", headless = true,
        description = "Stack sub-frames into master tiles and coadd them into one sky mosaic")
public class BuildMosaicCommand extends ContextCommand {

    @Parameter(label = "Input folder", style = "directory", required = false, persist = false,
            description = "Folder of FITS frames (*.fit, *.fits, *.fts); empty: the built-in default sky")
    File input;

    @Parameter(label = "Or an open image", required = false, autoFill = false, persist = false,
            description = "An image open in Fiji that carries its FITS header in its Info (a master tile, or a stack of frames);"
                    + " written to temporary FITS files and used instead of the input")
    ImagePlus image;

    @Parameter(label = "Output folder", style = "directory", persist = false,
            description = "Where mosaic.fits, mosaic_coverage.fits, mosaic_preview.png, master_tiles/ and tessera.log go")
    File output;

    @Parameter(label = "Config file (JSON)", style = "open", required = false, persist = false,
            description = "Optional JSON config (ZeMosaic keys); overlays the defaults")
    File config;

    @Parameter(label = "Rejection", persist = false,
            choices = {Choices.REJECTION_DEFAULT, Choices.REJECTION_KAPPA, Choices.REJECTION_LINEAR, Choices.REJECTION_NONE},
            description = "stacking_rejection_algorithm; '(default)' keeps the config file's value when one is given."
                    + " Macros: config, winsorized_sigma_clip, kappa_sigma, linear_fit_clip, none")
    String rejection = Choices.REJECTION_DEFAULT;

    @Parameter(label = "Combine", persist = false, choices = {Choices.COMBINE_DEFAULT, Choices.COMBINE_MEDIAN},
            description = "stacking_final_combine_method; '(default)' keeps the config file's value when one is given."
                    + " Macros: config, mean, median")
    String combine = Choices.COMBINE_DEFAULT;

    @Parameter(label = "GPU", persist = false, choices = {Choices.GPU_DEFAULT, Choices.GPU_OFF},
            description = "use_gpu_phase5; '(default)' keeps the config file's value when one is given;"
                    + " without a healthy CUDA GPU the run uses the CPU either way. Macros: config, on, off")
    String gpu = Choices.GPU_DEFAULT;

    @Parameter(label = "Settings (key=value ...)", style = "text area", required = false, persist = false,
            description = "More config keys as key=value pairs separated by spaces or new lines; applied last")
    String settings = "";

    @Parameter(label = "Coverage map too", required = false, persist = false,
            description = "Also open mosaic_coverage.fits (the sum of weights per pixel) as an image")
    boolean coverage;

    /** The mosaic as Fiji shows it (composite, preview stretch, calibrated); null if it could not be opened. */
    @Parameter(label = "Mosaic", type = ItemIO.OUTPUT)
    ImagePlus mosaic;

    /** The coverage map when {@link #coverage} is ticked. */
    @Parameter(label = "Coverage", type = ItemIO.OUTPUT)
    ImagePlus coverageImage;

    /** Opens the user guide (online, or the bundled copy); not a macro key. */
    @Parameter(label = "Help", callback = "help", required = false, persist = false,
            description = "Opens the user guide: " + UserGuide.URL)
    Button helpButton;

    @Parameter(visibility = ItemVisibility.MESSAGE, persist = false, required = false)
    String helpLine = UserGuide.LINE;

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

    /** The temporary FITS files of {@link #image}, deleted after the run. */
    private java.nio.file.Path imageDir;

    @Override
    public void run() {
        CommandSupport.Done done;
        try {
            done = CommandSupport.run(this, this::request, Jobs.withGpu(jobs, gpuService), log, status, ui);
        } finally {
            org.tessera.fiji.OpenImages.delete(imageDir);
        }
        if (done == null) return;
        ResultImages images = CommandSupport.images(done, coverage, log);
        mosaic = images.image();
        coverageImage = images.coverage();
    }

    /** The Help button's callback. */
    void help() {
        UserGuide.open(platform, ui);
    }

    /** The parameters as a job: defaults < config file < choices < settings. */
    JobRequest request() throws IOException {
        Map<String, String> choices = new LinkedHashMap<>();
        choices.put("rejection", rejection);
        choices.put("combine", combine);
        choices.put("gpu", gpu);
        return JobRequest.fromForm(Job.MOSAIC, CommandSupport.input(input, image, d -> imageDir = d), CommandSupport.path(output),
                CommandSupport.path(config), choices, settings);
    }
}
