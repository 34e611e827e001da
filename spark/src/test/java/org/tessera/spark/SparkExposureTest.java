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
}
