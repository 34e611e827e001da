package org.tessera.reproject;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.image.FloatImage;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.WcsGrid;

class ReprojectCoaddTest {

    /** Three RGB tiles, rotated, with alpha ramps, NaN holes and different MT_NFRAMES. */
    static List<CoaddInput> rgbTiles() {
        List<CoaddInput> in = new ArrayList<>();
        double[][] geo = {{150.00, 20.00, 0}, {150.05, 20.02, 17}, {150.02, 20.05, -121}};
        double[] nframes = {4, 10, 30};
        for (int k = 0; k < 3; k++) {
            FitsWcs w = TestSkies.tan(geo[k][0], geo[k][1], 2.0, geo[k][2], 260, 200);
            TestSkies.Star[] stars = TestSkies.stars(w, 260, 200, 30, 5, 40 + k);
            FloatImage img = new FloatImage(260, 200, 3);
            for (int c = 0; c < 3; c++) {
                FloatImage ch = TestSkies.render(w, 260, 200, stars, 1.3, 100 + 20 * c + 5 * k, 3, 7 * k + c);
                System.arraycopy(ch.plane(0), 0, img.plane(c), 0, 260 * 200);
            }
            for (int y = 80; y < 95; y++) for (int x = 100 + 10 * k; x < 130 + 10 * k; x++) img.set(1, x, y, Float.NaN);
            FloatImage alpha = new FloatImage(260, 200, 1);
            for (int y = 0; y < 200; y++)
                for (int x = 0; x < 260; x++) {
                    double d = Math.min(Math.min(x, 259 - x), Math.min(y, 199 - y));
                    alpha.set(0, x, y, (float) Math.min(1, d / 25.0));
                }
            in.add(new CoaddInput("t" + k, img, alpha, w, nframes[k]));
        }
        return in;
    }

    static final WcsGrid GRID = new WcsGrid(TestSkies.tan(150.03, 20.03, 2.2, 5, 400, 380), 400, 380);

    @Test
    void bandSizeAndWorkersNeverChangeTheResult() throws IOException {
        List<CoaddInput> in = rgbTiles();
        CoaddParams base = CoaddParams.defaults().withKernel(Kernel.LANCZOS3);
        MemorySinks ref = new MemorySinks();
        ReprojectCoadd.run(in, GRID, base.withRowsPerBand(5000).withWorkers(1), ref, Progress.NONE);
        for (int[] rw : new int[][] {{1, 2}, {7, 2}, {64, 1}, {100, 2}}) {
            MemorySinks m = new MemorySinks();
            ReprojectCoadd.run(in, GRID, base.withRowsPerBand(rw[0]).withWorkers(rw[1]).withStripCacheBytes(1 << 20), m,
                    Progress.NONE);
            assertEquals(ref.grid.width(), m.grid.width());
            for (int c = 0; c < 3; c++)
                assertArrayEquals(ref.mosaic.plane(c), m.mosaic.plane(c), "channel " + c + " with " + rw[0] + " rows/band");
            assertArrayEquals(ref.coverage.plane(0), m.coverage.plane(0), "coverage with " + rw[0] + " rows/band");
        }
    }

    @Test
    void outputIsCroppedToTheCoveredBox() throws IOException {
        FitsWcs w = TestSkies.tan(150.0, 20.0, 2.0, 30, 200, 150);
        FloatImage img = new FloatImage(200, 150, 1);
        img.fill(10f);
        MemorySinks m = new MemorySinks();
        CoaddParams p = CoaddParams.plain(Kernel.BILINEAR);
        WcsGrid big = new WcsGrid(TestSkies.tan(150.01, 20.01, 2.0, 0, 600, 500), 600, 500);
        ReprojectCoadd.run(List.of(CoaddInput.of("one", img, w)), big, p, m, Progress.NONE);
        FloatImage cov = m.coverage;
        int W = cov.width(), H = cov.height();
        assertTrue(W < 300 && H < 300, "cropped to " + W + "x" + H);
        // Every border row and column holds covered pixels: the box is tight.
        boolean top = false, bottom = false, left = false, right = false;
        for (int x = 0; x < W; x++) { top |= cov.get(0, x, 0) > 0; bottom |= cov.get(0, x, H - 1) > 0; }
        for (int y = 0; y < H; y++) { left |= cov.get(0, 0, y) > 0; right |= cov.get(0, W - 1, y) > 0; }
        assertTrue(top && bottom && left && right, "edges covered: " + top + bottom + left + right);
        // The final grid is the big grid shifted: same sky at the same pixel.
        double[] a = new double[2], b = new double[2];
        m.grid.wcs().pixelToWorld(10, 20, a);
        big.wcs().worldToPixel(a[0], a[1], b);
        assertEquals(Math.rint(b[0]), b[0], 1e-6, "integer shift in x");
        assertEquals(Math.rint(b[1]), b[1], 1e-6, "integer shift in y");
        assertTrue(b[0] - 10 > 0 && b[1] - 20 > 0, "the crop starts inside the big grid");
        for (float v : m.mosaic.plane(0)) assertTrue(Float.isNaN(v) || Math.abs(v - 10f) < 1e-4);
    }

    /** A run whose every tile is empty says why per tile, not that nothing overlaps. */
    @Test
    void allEmptyTilesAreNamedWithTheirReason() {
        FitsWcs w = TestSkies.tan(150.0, 20.0, 2.0, 30, 200, 150);
        FloatImage img = new FloatImage(200, 150, 1);
        img.fill(Float.NaN);
        FloatImage far = new FloatImage(200, 150, 1);
        far.fill(5f);
        FitsWcs away = TestSkies.tan(170.0, 20.0, 2.0, 0, 200, 150);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReprojectCoadd.run(
                List.of(CoaddInput.of("allnan.fits", img, w), CoaddInput.of("far.fits", far, away)),
                new WcsGrid(w, 200, 150), CoaddParams.plain(Kernel.BILINEAR), new MemorySinks(), Progress.NONE));
        assertEquals("[P5] no input tile holds data on the output grid (allnan.fits: no valid pixel; "
                + "far.fits: outside the output grid)", e.getMessage());
    }

    @Test
    void weightsFollowAlphaFloorAndFrameCounts() throws IOException {
        // Two flat tiles on the same grid: values 100 and 200, nFrames 4 and 16 → median 10,
        // weights clip(sqrt(0.4)) = 0.75 and sqrt(1.6) = 1.2649.
        FitsWcs w = TestSkies.tan(150.0, 20.0, 2.0, 0, 100, 80);
        FloatImage a = new FloatImage(100, 80, 1), b = new FloatImage(100, 80, 1);
        a.fill(100f);
        b.fill(200f);
        FloatImage alpha = new FloatImage(100, 80, 1);
        alpha.fill(1f);
        for (int y = 0; y < 80; y++) alpha.set(0, 10, y, 0.01f); // below the floor: counts as 0.02
        for (int y = 0; y < 80; y++) alpha.set(0, 20, y, 0.5f);
        for (int y = 0; y < 80; y++) alpha.set(0, 30, y, 0f);    // no data
        List<CoaddInput> in = List.of(new CoaddInput("a", a, alpha, w, 4), new CoaddInput("b", b, null, w, 16));
        MemorySinks m = new MemorySinks();
        ReprojectCoadd.Result r = ReprojectCoadd.run(in, new WcsGrid(w, 100, 80), CoaddParams.plain(Kernel.NEAREST), m,
                Progress.NONE);
        double wa = 0.75, wb = Math.sqrt(1.6);
        assertEquals(wa, r.tiles().get(0).weight(), 1e-12);
        assertEquals(wb, r.tiles().get(1).weight(), 1e-12);
        assertEquals((wa * 100 + wb * 200) / (wa + wb), m.mosaic.get(0, 50, 40), 1e-3);
        assertEquals(wa + wb, m.coverage.get(0, 50, 40), 1e-5);
        double fa = wa * 0.02;
        assertEquals((fa * 100 + wb * 200) / (fa + wb), m.mosaic.get(0, 10, 40), 1e-3, "alpha floor");
        assertEquals(fa + wb, m.coverage.get(0, 10, 40), 1e-5);
        double ha = wa * 0.5;
        assertEquals((ha * 100 + wb * 200) / (ha + wb), m.mosaic.get(0, 20, 40), 1e-3, "alpha 0.5");
        assertEquals(200, m.mosaic.get(0, 30, 40), 1e-4, "alpha 0: tile a absent");
        assertEquals(wb, m.coverage.get(0, 30, 40), 1e-5);
    }

    @Test
    void tileWeightingCanBeSwitchedOff() {
        Config c = new Config();
        c.put("enable_tile_weighting", false);
        c.put("reproject_kernel", "lanczos3");
        c.put("apply_master_tile_crop", false);
        c.put("intertile_sky_percentile", List.of(20.0, 80.0));
        CoaddParams p = CoaddParams.fromConfig(c);
        assertFalse(p.enableTileWeighting());
        assertFalse(p.applyMasterTileCrop());
        assertEquals(Kernel.LANCZOS3, p.kernel());
        assertEquals(20.0, p.match().skyLow());
        assertEquals(80.0, p.match().skyHigh());
        assertTrue(p.workers() >= 1);
        CoaddParams d = CoaddParams.defaults();
        assertTrue(d.intertilePhotometricMatch() && d.matchBackground() && d.applyMasterTileCrop() && !d.twoPassCoverageRenorm());
        assertEquals(3.0, d.masterTileCropPercent());
        assertEquals(0.02, d.alphaWeightFloor());
        assertThrows(IllegalArgumentException.class, () -> Kernel.parse("cubic"));
    }

    @Test
    void masterTileCropRemovesThreePercentPerSide() throws IOException {
        FitsWcs w = TestSkies.tan(150.0, 20.0, 2.0, 0, 200, 100);
        FloatImage img = new FloatImage(200, 100, 1);
        img.fill(5f);
        MemorySinks m = new MemorySinks();
        ReprojectCoadd.run(List.of(CoaddInput.of("one", img, w)), new WcsGrid(w, 200, 100),
                CoaddParams.plain(Kernel.BILINEAR).withSteps(true, false, false, false), m, Progress.NONE);
        assertEquals(200 - 2 * 6, m.grid.width());
        assertEquals(100 - 2 * 3, m.grid.height());
    }

    /**
     * The two-pass gain of a tile is the median over its footprint of blur(coverage)/coverage:
     * near 1 when the blur is narrow against the tile (only its rim sees the empty surround),
     * falling as the blur widens, and held at the low clip (0.85) once most of the blurred
     * coverage spills outside the mosaic. A gain that ignored the coverage (e.g. a constant)
     * fails one of the three.
     */
    @Test
    void twoPassRenormalisationFollowsTheBlurredCoverageWithinItsClip() throws IOException {
        List<CoaddInput> in = rgbTiles();
        double[] sigmas = {4, 30, 400};
        double[][] gains = new double[sigmas.length][];
        for (int s = 0; s < sigmas.length; s++) {
            CoaddParams p = CoaddParams.fromConfig(new Config().put("two_pass_sigma_px", sigmas[s]))
                    .withSteps(true, false, false, true);
            ReprojectCoadd.Result r = ReprojectCoadd.run(in, GRID, p, new MemorySinks(), Progress.NONE);
            gains[s] = r.tiles().stream().mapToDouble(ReprojectCoadd.TileReport::gain).toArray();
            for (ReprojectCoadd.TileReport t : r.tiles()) {
                assertTrue(t.gain() >= 0.85 && t.gain() <= 1.18, t.name() + " gain " + t.gain());
                assertEquals(0, t.offset(), 1e-9);
            }
        }
        for (int k = 0; k < in.size(); k++) {
            assertEquals(1, gains[0][k], 0.03, "narrow blur, tile " + k);
            assertTrue(gains[1][k] < gains[0][k] - 0.01 && gains[1][k] > 0.85, "wider blur lowers the gain, tile " + k
                    + ": " + gains[0][k] + " -> " + gains[1][k]);
            assertEquals(0.85, gains[2][k], 1e-9, "blur far wider than the mosaic: the low clip, tile " + k);
        }
    }
}
