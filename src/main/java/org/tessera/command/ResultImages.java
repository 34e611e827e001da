package org.tessera.command;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

import ij.ImagePlus;
import ij.WindowManager;
import org.tessera.fiji.MosaicImage;
import org.tessera.pipeline.MosaicPipeline.Outcome;

/**
 * The images every Fiji front opens after a run (SciJava commands as outputs, ImageJ 1 shims with
 * {@code show()}): the mosaic, or a stack job's tile, titled after the output (made unique among the open
 * images as ImageJ does, {@code out-1}); the coverage map when
 * asked for. One that cannot be opened is {@code null}, with a warning: the run itself succeeded
 * and its files stay.
 */
public record ResultImages(ImagePlus image, ImagePlus coverage) {

    public static ResultImages open(JobRequest request, Outcome o, boolean withCoverage, Consumer<String> warn) {
        // As ImageJ names a file opened twice (tile.fits, tile-1.fits): two runs into folders of one name
        // (m31/out, m94/out) left two windows titled "out", and a macro's selectWindow("out") took the first.
        String title = unique(MosaicImage.title(request.output()));
        Path main = request.job() == Job.STACK ? OutcomeReport.stackedFile(o, request.output()) : o.mosaic();
        ImagePlus image = null, coverage = null;
        try {
            if (main != null) image = MosaicImage.open(main, title, request.config());
            if (withCoverage && o.coverage() != null) coverage = MosaicImage.openCoverage(o.coverage(), unique(title + " coverage"));
        } catch (IOException | RuntimeException e) {
            warn.accept("cannot open the result as an image: " + Errors.describe(e));
        }
        return new ResultImages(image, coverage);
    }

    /**
     * {@code title}, or {@code title-1}, {@code title-2} … when an open image has it. Counts the images of
     * a macro in batch mode too, which ImageJ's own {@code WindowManager.makeUniqueName} does not see.
     */
    static String unique(String title) {
        Set<String> open = new HashSet<>();
        int[] ids = WindowManager.getIDList(); // windows and batch-mode images; null when none
        if (ids != null)
            for (int id : ids) {
                ImagePlus imp = WindowManager.getImage(id);
                if (imp != null) open.add(imp.getTitle());
            }
        String t = title;
        for (int i = 1; open.contains(t); i++) t = title + "-" + i;
        return t;
    }
}
