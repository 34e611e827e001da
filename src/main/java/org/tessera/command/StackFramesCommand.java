package org.tessera.command;

import java.io.File;
import java.io.IOException;

import ij.ImagePlus;
import org.scijava.ItemIO;
import org.scijava.ItemVisibility;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.Button;

/**
 * Plugins › Tessera › Stack Frames…: frames → one master tile on the grid of the central frame.
 * Macro: {@code run("Stack Frames...", "input=[/data/frames] output=[/data/tile.fits] combine=median")}.
 */
@Plugin(type = Command.class, menuPath = "Plugins>Tessera>Stack Frames...", headless = true,
        description = "Stack frames of one field into a master tile (FITS with ALPHA)")
public class StackFramesCommand extends TesseraCommand {

    @Parameter(label = "Frames (folder or file)", style = "both", required = false, persist = false,
            description = "A folder of FITS frames, or one FITS file")
    File input;

    @Parameter(label = "Or an open image", required = false, autoFill = false, persist = false, description = IMAGE_DESCRIPTION)
    ImagePlus image;

    @Parameter(label = "Output FITS file", style = "save", persist = false,
            description = "The stacked tile, e.g. /data/out/tile.fits; tessera.log goes beside it")
    File output;

    @Parameter(label = "Config file (JSON)", style = "open", required = false, persist = false, description = CONFIG_DESCRIPTION)
    File config;

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

    /** The stacked tile as Fiji shows it (composite, preview stretch, calibrated); null if it could not be opened. */
    @Parameter(label = "Stacked tile", type = ItemIO.OUTPUT)
    ImagePlus tile;

    /** Opens the user guide (online, or the bundled copy); not a macro key. */
    @Parameter(label = "Help", callback = "help", required = false, persist = false, description = HELP_DESCRIPTION)
    Button helpButton;

    @Parameter(visibility = ItemVisibility.MESSAGE, persist = false, required = false)
    String helpLine = UserGuide.LINE;

    @Override
    JobRequest request() throws IOException {
        return request(Job.STACK, input, image, output, config, choices("rejection", rejection, "combine", combine, "demosaic", demosaic, "gpu", gpu), settings);
    }

    @Override
    void show(ResultImages images) {
        tile = images.image();
    }
}
