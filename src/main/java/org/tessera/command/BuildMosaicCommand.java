package org.tessera.command;

import java.io.File;
import java.io.IOException;

import ij.ImagePlus;
import org.scijava.ItemVisibility;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.Button;

/**
 * Plugins › Tessera › Build Mosaic…: a folder of frames → master tiles → one mosaic.
 * Field names are the macro keys: {@code run("Build Mosaic...", "input=[/data/frames] output=[/data/out]
 * mode=sds rejection=kappa_sigma settings=[stacking_kappa_low=2.5]")}. No input → the built-in default sky.
 */
@Plugin(type = Command.class, menuPath = "Plugins>Tessera>Build Mosaic...", headless = true,
        description = "Stack sub-frames into master tiles and coadd them into one sky mosaic")
public class BuildMosaicCommand extends MosaicResultCommand {

    @Parameter(label = "Input folder", style = "directory", required = false, persist = false,
            description = "Folder of FITS frames (*.fit, *.fits, *.fts, also gzip'ed .gz or fpack'ed .fz); empty: the built-in default sky")
    File input;

    @Parameter(label = "Or an open image", required = false, autoFill = false, persist = false, description = IMAGE_DESCRIPTION)
    ImagePlus image;

    @Parameter(label = "Output folder", style = "directory", persist = false,
            description = "Where mosaic.fits, mosaic_coverage.fits, mosaic_preview.png, master_tiles/ and tessera.log go")
    File output;

    @Parameter(label = "Config file (JSON)", style = "open", required = false, persist = false, description = CONFIG_DESCRIPTION)
    File config;

    @Parameter(label = "Mode", persist = false, choices = {Choices.MODE_CLASSIC, Choices.MODE_SDS}, description = MODE_DESCRIPTION)
    String mode = Choices.MODE_CLASSIC;

    @Parameter(label = "Rejection", persist = false, description = REJECTION_DESCRIPTION,
            choices = {Choices.REJECTION_DEFAULT, Choices.REJECTION_KAPPA, Choices.REJECTION_LINEAR, Choices.REJECTION_NONE})
    String rejection = Choices.REJECTION_DEFAULT;

    @Parameter(label = "Combine", persist = false, choices = {Choices.COMBINE_DEFAULT, Choices.COMBINE_MEDIAN}, description = COMBINE_DESCRIPTION)
    String combine = Choices.COMBINE_DEFAULT;

    @Parameter(label = "Demosaic", persist = false, choices = {Choices.DEMOSAIC_DEFAULT, Choices.DEMOSAIC_BILINEAR},
            description = DEMOSAIC_DESCRIPTION)
    String demosaic = Choices.DEMOSAIC_DEFAULT;

    @Parameter(label = "GPU", persist = false, choices = {Choices.GPU_DEFAULT, Choices.GPU_OFF}, description = GPU_DESCRIPTION)
    String gpu = Choices.GPU_DEFAULT;

    @Parameter(label = "Settings (key=value ...)", style = "text area", required = false, persist = false, description = SETTINGS_DESCRIPTION)
    String settings = "";

    @Parameter(label = "Coverage map too", required = false, persist = false, description = COVERAGE_DESCRIPTION)
    boolean coverage;

    /** Opens the user guide (online, or the bundled copy); not a macro key. */
    @Parameter(label = "Help", callback = "help", required = false, persist = false, description = HELP_DESCRIPTION)
    Button helpButton;

    @Parameter(visibility = ItemVisibility.MESSAGE, persist = false, required = false)
    String helpLine = UserGuide.LINE;

    @Override
    JobRequest request() throws IOException {
        return request(Job.MOSAIC, input, image, output, config, choices("mode", mode, "rejection", rejection, "combine", combine, "demosaic", demosaic, "gpu", gpu), settings);
    }

    @Override
    boolean coverage() {
        return coverage;
    }
}
