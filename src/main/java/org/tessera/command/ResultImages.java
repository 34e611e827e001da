package org.tessera.command;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

import ij.ImagePlus;
import org.tessera.fiji.MosaicImage;
import org.tessera.pipeline.MosaicPipeline.Outcome;

/**
 * The images every Fiji front opens after a run (SciJava commands as outputs, ImageJ 1 shims with
 * {@code show()}): the mosaic, or a stack job's tile, titled after the output; the coverage map when
 * asked for. One that cannot be opened is {@code null}, with a warning: the run itself succeeded
 * and its files stay.
 */
public record ResultImages(ImagePlus image, ImagePlus coverage) {

    public static ResultImages open(JobRequest request, Outcome o, boolean withCoverage, Consumer<String> warn) {
        String title = MosaicImage.title(request.output());
        Path main = request.job() == Job.STACK ? OutcomeReport.stackedFile(o, request.output()) : o.mosaic();
        ImagePlus image = null, coverage = null;
        try {
            if (main != null) image = MosaicImage.open(main, title, request.config());
            if (withCoverage && o.coverage() != null) coverage = MosaicImage.openCoverage(o.coverage(), title + " coverage");
        } catch (IOException | RuntimeException e) {
            warn.accept("cannot open the result as an image: " + Errors.describe(e));
        }
        return new ResultImages(image, coverage);
    }
}
