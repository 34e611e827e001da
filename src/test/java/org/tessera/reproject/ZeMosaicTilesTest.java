package org.tessera.reproject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.io.FitsFrame;
import org.tessera.io.FrameReading;
import org.tessera.io.FrameScanner;
import org.tessera.pipeline.MosaicPipeline;
import org.tessera.wcs.FitsWcs;

/**
 * Master tiles written by the original program (ZeMosaic's layout, {@link ZeMosaicTileFixture})
 * are assembled by Tessera's Phase 5 as its own tiles are: tile weight from the frame count of
 * their cards, their ALPHA as the pixel weight, their crop; a mosaic run sets them aside by name.
 */
class ZeMosaicTilesTest {

    @TempDir Path dir;

    private static final int W = 100, H = 80;

    @Test
    void frameCountFollowsTheOriginalsCardOrder() throws IOException {
        FitsWcs w = TestSkies.tan(150, 20, 2, 0, W, H);
        float[][][] img = ZeMosaicTileFixture.flat(3, W, H, 50f);
        Path both = ZeMosaicTileFixture.write(dir.resolve("a.fits"), w, img, null, 1, 12, 9, 7, null);
        Path aligned = ZeMosaicTileFixture.write(dir.resolve("b.fits"), w, img, null, 2, 12, 9, null, null);
        Path badFirst = ZeMosaicTileFixture.write(dir.resolve("c.fits"), w, img, null, 3, 12, 9, null,
                Map.of("HIERARCH.MT_NFRAMES", "none"));
        Path oldOnly = ZeMosaicTileFixture.write(dir.resolve("d.fits"), w, img, null, 4, 0, 0, null,
                Map.of("NRAWINIT", 5));
        assertEquals(7, CoaddFiles.input(FitsFrame.open(both)).nFrames(), 0, "MT_NFRAMES first");
        assertEquals(9, CoaddFiles.input(FitsFrame.open(aligned)).nFrames(), 0, "then ZMT_NALGN");
        assertEquals(9, CoaddFiles.input(FitsFrame.open(badFirst)).nFrames(), 0, "a card that is no count is passed over");
        assertEquals(5, CoaddFiles.input(FitsFrame.open(oldOnly)).nFrames(), 0, "zero counts passed over to NRAWINIT");
    }

    @Test
    void reprojectAssemblesTheOriginalsTilesWithTheirWeightsAlphaAndCrop() throws IOException {
        FitsWcs w = TestSkies.tan(150, 20, 2, 0, W, H);
        // Tile a: 4 frames aligned of 16, colour (100, 110, 120); ALPHA 128 on columns 16..24, 0 on 30..38.
        float[][][] a = ZeMosaicTileFixture.flat(3, W, H, 0);
        for (int c = 0; c < 3; c++) for (float[] row : a[c]) java.util.Arrays.fill(row, 100f + 10 * c);
        int[][] alpha = new int[H][W];
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) alpha[y][x] = x >= 16 && x <= 24 ? 128 : x >= 30 && x <= 38 ? 0 : 255;
        Path in = Files.createDirectories(dir.resolve("zemosaic_tiles"));
        Path ta = ZeMosaicTileFixture.write(in.resolve("master_tile_001.fits"), w, a, alpha, 1, 16, 4, null, null);
        // Tile b: 16 of 16 frames, flat 200. With ZMT_NRAW (16 both) or no count (1 both) the tiles
        // would weigh the same and the overlap would read 150.
        Path tb = ZeMosaicTileFixture.write(in.resolve("master_tile_002.fits"), w,
                ZeMosaicTileFixture.flat(3, W, H, 200f), null, 2, 16, 16, null, null);

        Config c = new Config();
        c.put("intertile_photometric_match", false);
        c.put("match_background_for_final", false);
        c.put("final_mosaic_dbe_enabled", false);
        c.put("preview_png_enabled", false);
        c.put("reproject_kernel", "nearest");
        MosaicPipeline.Outcome o = MosaicPipeline.reproject(dir.resolve("out"), List.of(ta, tb), c, Progress.NONE);

        FitsFrame m = FitsFrame.open(o.mosaic()), cov = FitsFrame.open(o.coverage());
        // crop 3 % per side (master_tile_crop_percent): 100x80 → 94x76 on the same sky grid
        assertEquals(94, m.width(), 1);
        assertEquals(76, m.height(), 1);
        double wa = 0.75, wb = Math.sqrt(1.6); // n/median = 0.4 → sqrt clipped to 0.75; 1.6 → 1.265
        for (int ch = 0; ch < 3; ch++) {
            double va = 100 + 10 * ch;
            assertEquals((wa * va + wb * 200) / (wa + wb), at(m, w, 60, 40, ch), 1e-3, "both tiles, channel " + ch);
            double ha = wa * 128 / 255.0;
            assertEquals((ha * va + wb * 200) / (ha + wb), at(m, w, 20, 40, ch), 1e-3, "ALPHA 128, channel " + ch);
            assertEquals(200, at(m, w, 34, 40, ch), 1e-4, "ALPHA 0: tile a absent, channel " + ch);
        }
        assertEquals(wa + wb, at(cov, w, 60, 40, 0), 1e-4, "coverage = sum of tile weights");
    }

    @Test
    void aMosaicRunSetsTheOriginalsTilesAsideWithWhatToDo() throws IOException {
        FitsWcs w = TestSkies.tan(150, 20, 2, 0, W, H);
        Path in = Files.createDirectories(dir.resolve("tiles"));
        ZeMosaicTileFixture.write(in.resolve("master_tile_001.fits"), w, ZeMosaicTileFixture.flat(3, W, H, 9f),
                null, 1, 8, 8, 8, null);
        FrameScanner.Scan s = FrameScanner.scanFrames(List.of(in), dir.resolve("out"), FrameReading.AS_STORED);
        assertEquals(0, s.frames().size());
        assertEquals(1, s.skipped().size());
        assertTrue(s.skipped().get(0).reason().contains("tessera reproject"), s.skipped().get(0).reason());
        // Phase 5 alone reads it
        assertEquals(1, FrameScanner.scan(List.of(in), true).frames().size());
    }

    /** The value of {@code img} (on its own WCS) at the sky position of tile pixel (x, y). */
    private static double at(FitsFrame img, FitsWcs tile, int x, int y, int ch) throws IOException {
        double[] sky = new double[2], p = new double[2];
        tile.pixelToWorld(x, y, sky);
        img.wcs().worldToPixel(sky[0], sky[1], p);
        int px = (int) Math.round(p[0]), py = (int) Math.round(p[1]);
        float[][] band = img.newBand(1);
        img.readRows(py, 1, band);
        return band[ch][px];
    }
}
