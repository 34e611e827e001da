package org.tessera.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import nom.tam.fits.BasicHDU;
import nom.tam.fits.Fits;
import nom.tam.fits.FitsException;
import nom.tam.fits.Header;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.pipeline.MosaicPipeline;
import org.tessera.reproject.MosaicProvenance;

/**
 * Master tiles of other sub-exposures reprojected with the bands on Spark's executors: the driver's
 * plan puts them on one exposure (E_ref), the executors coadd it as shipped, and the mosaic's header,
 * written on the driver, says E_ref in {@code EXPTIME}, as on one machine.
 */
class SparkExposureTest {

    /** A copy of a master tile as if its frames were {@code factor} × as long: pixels and exposure cards scaled. */
    static Path longer(Path tile, Path copy, double factor) throws IOException {
        try (Fits in = new Fits(tile.toFile()); Fits out = new Fits()) {
            BasicHDU<?>[] hdus = in.read();
            Object data = hdus[0].getKernel();
            if (data instanceof float[][][] cube) {
                for (float[][] plane : cube) for (float[] row : plane) for (int x = 0; x < row.length; x++) row[x] *= (float) factor;
            } else {
                for (float[] row : (float[][]) data) for (int x = 0; x < row.length; x++) row[x] *= (float) factor;
            }
            Header h = hdus[0].getHeader();
            h.addValue("EXPTIME", h.getDoubleValue("EXPTIME") * factor, MosaicProvenance.EXPTIME_COMMENT);
            h.addValue("EXPTOTAL", h.getDoubleValue("EXPTOTAL") * factor, "[s] total exposure of the frames in the tile");
            for (BasicHDU<?> hdu : hdus) out.addHDU(hdu);
            out.write(copy.toFile());
        } catch (FitsException e) {
            throw new IOException(e);
        }
        return copy;
    }

    @Test
    void tilesOfTenAndTwentySecondsGiveTheSparkMosaicTheReferenceExposure(@TempDir Path dir) throws IOException {
        Config config = new Config();
        // The demo sky: 4 master tiles of 5 frames of 10 s each; three become tiles of 20 s frames,
        // so 15 of the 20 frames are of 20 s: E_ref = 20 s.
        MosaicPipeline.Outcome sky = MosaicPipeline.mosaic(List.of(), dir.resolve("sky"), config, Progress.NONE);
        assertEquals(4, sky.masterTiles().size());
        Path tilesDir = Files.createDirectories(dir.resolve("tiles"));
        List<Path> tiles = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Path t = sky.masterTiles().get(i), copy = tilesDir.resolve(t.getFileName());
            tiles.add(i == 0 ? Files.copy(t, copy) : longer(t, copy, 2));
        }

        MosaicPipeline.Outcome one = MosaicPipeline.reproject(dir.resolve("one"), tiles, config, Progress.NONE);
        Path out = dir.resolve("spark");
        MosaicPipeline.Outcome spark = MosaicPipeline.reproject(out, tiles, config, Progress.NONE,
                new SparkBands(LocalSpark.context(), out.resolve(".p5_bands"), (g, a) -> { }, Staging.local(LocalSpark.context(), out)));
        assertFalse(Files.exists(out.resolve(".p5_bands")), "band files are merged and removed");
        SparkMosaicTest.assertSamePixels(one.mosaic(), spark.mosaic());
        for (MosaicPipeline.Outcome o : List.of(one, spark)) {
            try (Fits f = new Fits(o.mosaic().toFile())) {
                Header h = f.readHDU().getHeader();
                assertEquals(20, h.getDoubleValue("EXPTIME", Double.NaN), 0, o.mosaic().toString());
                assertEquals(MosaicProvenance.EXPTIME_SCALED_COMMENT, h.findCard("EXPTIME").getComment());
                assertEquals(5 * 10 + 15 * 20, h.getDoubleValue("EXPTOTAL"), 1e-9);
            } catch (FitsException e) {
                throw new IOException(e);
            }
        }
    }

    /**
     * A master tile of 10 s and 20 s frames built on an executor says its unit as on one machine:
     * linear_fit's reference's exposure (10 s), scaled comment; so the driver's Phase 5 puts it and
     * the 20 s tile on one exposure.
     */
    @Test
    void aMixedTileBuiltOnAnExecutorSaysItsReferencesExposure(@TempDir Path dir) throws IOException {
        Path frames = Files.createDirectories(dir.resolve("frames"));
        for (double seconds : new double[] {10, 20}) {
            org.tessera.synth.SyntheticSky sky = new org.tessera.synth.SyntheticSky().seed(20261207L).object("Mixed")
                    .centre(150.0, 40.0).panels(2, 1).overlap(0.5).framesPerPanel(4).frameSize(240, 180).pixelScale(2.4)
                    .mount(org.tessera.io.MountMode.EQ).dither(4).psfFwhm(3.5).gradient(0).starDensity(2.0)
                    .starFlux(300, 60000, 0.5).gainVariation(0).transparencyVariation(0).exposure(seconds)
                    .output(org.tessera.synth.SyntheticSky.Output.RGB_FLOAT);
            // left panel: frames 1-2 of 10 s, 3-4 of 20 s; right panel: 20 s only
            for (Path f : sky.writeFits(dir.resolve("s" + (int) seconds))) {
                boolean first = f.getFileName().toString().matches(".*_p1_00[12]_.*");
                if (first == (seconds == 10)) Files.move(f, frames.resolve(f.getFileName()));
            }
        }
        Config config = new Config().put("preview_png_enabled", false).put("final_mosaic_dbe_enabled", false);
        MosaicPipeline.Outcome one = MosaicPipeline.mosaic(List.of(frames), dir.resolve("one"), config, Progress.NONE);
        MosaicPipeline.Outcome spark = new SparkMosaic(LocalSpark.context())
                .mosaic(List.of(frames), dir.resolve("spark"), config, Progress.NONE);
        SparkMosaicTest.assertSamePixels(one.mosaic(), spark.mosaic());
        for (MosaicPipeline.Outcome o : List.of(one, spark)) {
            assertEquals(2, o.masterTiles().size());
            try (Fits f = new Fits(o.masterTiles().get(0).toFile()); Fits m = new Fits(o.mosaic().toFile())) {
                Header h = f.readHDU().getHeader();
                assertEquals(10, h.getDoubleValue("EXPTIME", Double.NaN), 0, o.masterTiles().get(0).toString());
                assertEquals(MosaicProvenance.EXPTIME_SCALED_COMMENT, h.findCard("EXPTIME").getComment());
                assertEquals(20, m.readHDU().getHeader().getDoubleValue("EXPTIME", Double.NaN), 0, "4 frames of each: the longer");
            } catch (FitsException e) {
                throw new IOException(e);
            }
        }
    }
}
