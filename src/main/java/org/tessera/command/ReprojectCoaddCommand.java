package org.tessera.command;

import java.io.File;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import ij.ImagePlus;
import org.scijava.ItemIO;
import org.scijava.ItemVisibility;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.Button;

/**
 * Plugins › Tessera › Reproject and Coadd…: FITS images that carry a WCS (e.g. master tiles) →
 * reprojected onto one optimal grid and coadded (Phases 4 and 5).
 * Macro: {@code run("Reproject and Coadd...", "input=[/data/tiles] output=[/data/out] kernel=lanczos3")}.
 */
@Plugin(type = Command.class, menuPath = "Plugins>Tessera>Reproject and Coadd...", headless = true,
        description = "Reproject images with a WCS onto one grid and coadd them into a mosaic")
public class ReprojectCoaddCommand extends TesseraCommand {

    @Parameter(label = "Images (folder or file)", style = "both", required = false, persist = false,
            description = "A folder of FITS images with a WCS, or one FITS file")
    File input;

    @Parameter(label = "Or an open image", required = false, autoFill = false, persist = false, description = IMAGE_DESCRIPTION)
    ImagePlus image;

    @Parameter(label = "Output folder", style = "directory", persist = false,
            description = "Where mosaic.fits, mosaic_coverage.fits, mosaic_preview.png and tessera.log go")
    File output;

    @Parameter(label = "Config file (JSON)", style = "open", required = false, persist = false, description = CONFIG_DESCRIPTION)
    File config;

    @Parameter(label = "Kernel", persist = false,
            choices = {Choices.KERNEL_DEFAULT, Choices.KERNEL_NEAREST, Choices.KERNEL_LANCZOS, Choices.KERNEL_EXACT},
            description = "reproject_kernel; '(default)' keeps the config file's value when one is given."
                    + " Macros: config, bilinear, nearest, lanczos3, exact")
    String kernel = Choices.KERNEL_DEFAULT;

    @Parameter(label = "GPU", persist = false, choices = {Choices.GPU_DEFAULT, Choices.GPU_OFF}, description = GPU_DESCRIPTION)
    String gpu = Choices.GPU_DEFAULT;

    @Parameter(label = "Settings (key=value ...)", style = "text area", required = false, persist = false, description = SETTINGS_DESCRIPTION)
    String settings = "";

    @Parameter(label = "Coverage map too", required = false, persist = false, description = COVERAGE_DESCRIPTION)
    boolean coverage;

    /** The coverage map when {@link #coverage} is ticked; declared first, so that Fiji shows it first and the mosaic ends selected. */
    @Parameter(label = "Coverage", type = ItemIO.OUTPUT)
    ImagePlus coverageImage;

    /** The mosaic as Fiji shows it (composite, preview stretch, calibrated); null if it could not be opened. */
    @Parameter(label = "Mosaic", type = ItemIO.OUTPUT)
    ImagePlus mosaic;

    /** Opens the user guide (online, or the bundled copy); not a macro key. */
    @Parameter(label = "Help", callback = "help", required = false, persist = false, description = HELP_DESCRIPTION)
    Button helpButton;

    @Parameter(visibility = ItemVisibility.MESSAGE, persist = false, required = false)
    String helpLine = UserGuide.LINE;

    @Override
    JobRequest request() throws IOException {
        Map<String, String> choices = new LinkedHashMap<>();
        choices.put("kernel", kernel);
        choices.put("gpu", gpu);
        return request(Job.REPROJECT, input, image, output, config, choices, settings);
    }

    @Override
    boolean coverage() {
        return coverage;
    }

    @Override
    void show(ResultImages images) {
        mosaic = images.image();
        coverageImage = images.coverage();
    }
}
