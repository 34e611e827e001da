package org.tessera.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.io.FitsFrame;
import org.tessera.io.FrameSelection;
import org.tessera.synth.SyntheticSky;

/**
 * A coverage map among the images to coadd: a mosaic run's own folder given to Reproject and Coadd
 * (instead of its master_tiles) holds mosaic.fits and mosaic_coverage.fits, and the sum of weights
 * was coadded as an image (or the run failed on "mosaic_coverage.fits has 1 channels but mosaic.fits
 * has 3", which says nothing of what to give instead). It is named and left out.
 */
class CoverageMapInputTest {

    private static float[][] pixels(Path fits) throws Exception {
        FitsFrame f = FitsFrame.open(fits);
        float[][] px = f.newBand(f.height());
        f.readRows(0, f.height(), px);
        return px;
    }

    @Test
    void aCoverageMapIsNamedAndLeftOutNotCoaddedAsAnImage(@TempDir Path dir) throws Exception {
        SyntheticSky sky = new SyntheticSky().object("Coverage").frameSize(160, 120).pixelScale(2.4).starDensity(0.3).seed(11)
                .panels(1, 1).framesPerPanel(2).exposure(10);
        List<Path> images = sky.writeFits(dir.resolve("images"));
        MosaicPipeline.Outcome first = MosaicPipeline.reproject(dir.resolve("first"), images, new Config(), Progress.NONE);
        assertEquals(List.of(), first.skipped());

        List<Path> in = new ArrayList<>(images);
        in.add(first.coverage()); // as a folder holding both lists it
        MosaicPipeline.Outcome again = MosaicPipeline.reproject(dir.resolve("again"), in, new Config(), Progress.NONE);
        assertEquals(List.of(new MosaicPipeline.Skipped(first.coverage(), FrameSelection.COVERAGE_MAP_REASON)), again.skipped());
        assertEquals("a coverage map Tessera wrote (CONTENT = 'coverage: sum of weights'), not an image: coadd the images"
                + " themselves, e.g. the master_tiles folder of a mosaic run", FrameSelection.COVERAGE_MAP_REASON);
        float[][] a = pixels(first.mosaic()), b = pixels(again.mosaic());
        assertEquals(a.length, b.length);
        for (int c = 0; c < a.length; c++) assertArrayEquals(a[c], b[c], "channel " + c + ": the run without the map");
        // the mosaic itself is an image (mosaics of several nights are coadded so): kept
        List<Path> withMosaic = new ArrayList<>(images);
        withMosaic.add(first.mosaic());
        assertEquals(List.of(), MosaicPipeline.reproject(dir.resolve("third"), withMosaic, new Config(), Progress.NONE).skipped());
    }
}
