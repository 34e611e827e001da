package org.tessera.command;

import ij.ImagePlus;
import org.scijava.ItemIO;
import org.scijava.plugin.Parameter;

/**
 * A command whose result is a mosaic, and its coverage map when asked: Build Mosaic, Reproject and
 * Coadd. Only the outputs live here: they are not dialog fields, whereas SciJava lists a
 * superclass's inputs before the subclass's ({@code @Parameter} has no order of its own), so each
 * dialog's inputs, its "Coverage map too" box included, stay in the command's own class.
 */
abstract class MosaicResultCommand extends TesseraCommand {

    /** The coverage map when {@link #coverage()} is true; declared first, so that Fiji shows it first and the mosaic ends selected. */
    @Parameter(label = "Coverage", type = ItemIO.OUTPUT)
    ImagePlus coverageImage;

    /** The mosaic as Fiji shows it (composite, preview stretch, calibrated); null if it could not be opened. */
    @Parameter(label = "Mosaic", type = ItemIO.OUTPUT)
    ImagePlus mosaic;

    @Override
    void show(ResultImages images) {
        mosaic = images.image();
        coverageImage = images.coverage();
    }
}
