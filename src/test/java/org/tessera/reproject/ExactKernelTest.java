package org.tessera.reproject;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.image.FloatImage;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.WcsGrid;

/** The exact (area-overlap, flux-conserving) kernel: geometry, flux, footprint, holes, bands. */
class ExactKernelTest {

    static final double SKY = 100;

    /** A plain exact coadd of one tile onto a grid. */
    private static MemorySinks coadd(FloatImage img, FitsWcs w, WcsGrid grid) throws IOException {
        MemorySinks m = new MemorySinks();
        ReprojectCoadd.run(List.of(CoaddInput.of("t", img, w)), grid, CoaddParams.plain(Kernel.EXACT).withWorkers(2), m,
                Progress.NONE);
        return m;
    }

    /** Integer offset {ox, oy} of the coadd's cropped grid in {@code grid}. */
    private static int[] offset(MemorySinks m, WcsGrid grid) {
        double[] t = new double[2];
        m.grid.wcs().pixelToWorld(0, 0, t);
        grid.wcs().worldToPixel(t[0], t[1], t);
        assertEquals(Math.rint(t[0]), t[0], 1e-6);
        assertEquals(Math.rint(t[1]), t[1], 1e-6);
        return new int[] {(int) Math.rint(t[0]), (int) Math.rint(t[1])};
    }

    @Test
    void aTileOnItsOwnGridIsItselfWithFullCoverage() throws IOException {
        FitsWcs w = TestSkies.tan(150.0, 30.0, 2.0, 0, 300, 200);
        TestSkies.Star[] stars = TestSkies.stars(w, 300, 200, 30, 5, 3);
        FloatImage src = TestSkies.render(w, 300, 200, stars, 1.2, SKY, 5, 2);
        MemorySinks m = coadd(src, w, new WcsGrid(w, 300, 200));
        assertEquals(300, m.grid.width());
        assertEquals(200, m.grid.height());
        assertArrayEquals(new int[] {0, 0}, offset(m, new WcsGrid(w, 300, 200)));
        float[] a = src.plane(0), b = m.mosaic.plane(0), cov = m.coverage.plane(0);
        int exact = 0;
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-6f * Math.abs(a[i]), "pixel " + i);
            assertEquals(1f, cov[i], 1e-6f, "coverage of pixel " + i);
            if (a[i] == b[i] && cov[i] == 1f) exact++;
        }
        System.out.printf("[exact] identity: %d of %d pixels bit for bit%n", exact, a.length);
    }

    /** A quadrilateral's overlaps, against areas worked out by hand. */
    @Test
    void aDiamondSplitsItsAreaAsGeometrySays() {
        // Source 3×3, values 10·(x + 3y); a unit square rotated 45° centred on pixel (1, 1).
        float[] v = new float[9];
        for (int i = 0; i < 9; i++) v[i] = 10f * i;
        double h = Math.sqrt(0.5);
        double[] tx = {1, 1 + h}, ty = {1 - h, 1}, bx = {1 - h, 1}, by = {1, 1 + h};
        // Each neighbour gets the tip beyond its edge: a triangle of area (h - 1/2)².
        double tip = (h - 0.5) * (h - 0.5), centre = 1 - 4 * tip;
        float[] w = new float[1];
        float[][] out = new float[1][1];
        SourceStrip s = SourceStrip.contiguous(3, 0, 3, new float[][] {v}, null, new int[] {0, 3, 0, 3});
        ExactOverlap.sampleRow(s, tx, ty, bx, by, 1, w, out, new ExactOverlap.Scratch());
        assertEquals(1, w[0], 1e-12);
        double expect = centre * 40 + tip * (10 + 30 + 50 + 70);
        assertEquals(expect, out[0][0], 1e-4);
        // The same quadrilateral walked the other way round (a mirrored mapping): same result.
        float[] w2 = new float[1];
        float[][] out2 = new float[1][1];
        ExactOverlap.sampleRow(s, new double[] {1 - h, 1}, new double[] {1, 1 + h}, new double[] {1, 1 + h},
                new double[] {1 - h, 1}, 1, w2, out2, new ExactOverlap.Scratch());
        assertEquals(w[0], w2[0], 1e-7);
        assertEquals(out[0][0], out2[0][0], 1e-4);
        // Pixel (2, 1) invalid: its tip leaves the weight and the mean.
        float[] wp = new float[9];
        java.util.Arrays.fill(wp, 1f);
        wp[5] = Float.NaN;
        SourceStrip holed = SourceStrip.contiguous(3, 0, 3, new float[][] {v}, wp, new int[] {0, 3, 0, 3});
        ExactOverlap.sampleRow(holed, tx, ty, bx, by, 1, w, out, new ExactOverlap.Scratch());
        assertEquals(1 - tip, w[0], 1e-7);
        assertEquals((centre * 40 + tip * (10 + 30 + 70)) / (1 - tip), out[0][0], 1e-4);
        // A corner that does not map: outside the footprint.
        ExactOverlap.sampleRow(s, new double[] {Double.NaN, 1 + h}, ty, bx, by, 1, w, out, new ExactOverlap.Scratch());
        assertEquals(0, w[0]);
    }

    /**
     * Stars through a 30° rotation and scale changes (output pixels 0.5×, 1× and 2.7× the
     * input's): every star keeps its flux within 0.1 % and its centroid within 0.05 px, and the
     * whole image its total flux.
     */
    @Test
    void starsKeepTheirFluxAndPositionAtAnyScale() throws IOException {
        FitsWcs src = TestSkies.tan(150.0, 30.0, 2.0, 0, 500, 400);
        TestSkies.Star[] stars = TestSkies.stars(src, 500, 400, 20, 40, 11);
        FloatImage img = TestSkies.render(src, 500, 400, stars, 1.5, SKY, 0, 1);
        double total = 0;
        for (TestSkies.Star s : stars) total += s.flux();
        for (double ratio : new double[] {0.5, 1.0, 2.7}) {
            double scale = 2.0 * ratio;
            int n = (int) Math.ceil(1300 / scale) + 4; // the source's 1281" diagonal, and a margin
            WcsGrid target = new WcsGrid(TestSkies.tan(150.0011, 29.9993, scale, 30, n, n), n, n);
            FloatImage out = FloatImage.copyOf(new ReprojectedSource(img, src, target, Kernel.EXACT));
            double areaRatio = ratio * ratio; // output pixel area / input pixel area
            double sum = 0;
            for (float v : out.plane(0)) if (!Float.isNaN(v)) sum += v - SKY;
            assertEquals(total, sum * areaRatio, 1e-3 * total, "total flux at " + ratio + "x");
            int r = (int) Math.ceil(18 / scale); // 6 sigma of the stars
            double[] t = new double[2];
            int checked = 0;
            double worstFlux = 0, worstPos = 0;
            for (TestSkies.Star s : stars) {
                if (crowded(s, stars, 2.9 * r * scale)) continue;
                target.wcs().worldToPixel(s.ra(), s.dec(), t);
                double[] mo = ReprojectedSourceTest.moments(out, t[0], t[1], r);
                assertNotNull(mo, "star box inside the image");
                checked++;
                worstFlux = Math.max(worstFlux, Math.abs(mo[2] * areaRatio / s.flux() - 1));
                worstPos = Math.max(worstPos, Math.hypot(mo[0] - t[0], mo[1] - t[1]));
            }
            System.out.printf("[exact] %.1fx: total flux %.2e, %d stars: flux within %.2e, position within %.4f px%n",
                    ratio, sum * areaRatio / total - 1, checked, worstFlux, worstPos);
            assertTrue(checked >= 8, "stars checked at " + ratio + "x: " + checked);
            assertTrue(worstFlux < 1e-3, "flux error " + worstFlux + " at " + ratio + "x");
            assertTrue(worstPos < 0.05, "position error " + worstPos + " px at " + ratio + "x");
        }
    }

    /** True when another star lies within d arcsec. */
    private static boolean crowded(TestSkies.Star s, TestSkies.Star[] all, double d) {
        for (TestSkies.Star o : all) {
            if (o == s) continue;
            double dra = (o.ra() - s.ra()) * Math.cos(Math.toRadians(s.dec())), dd = o.dec() - s.dec();
            if (Math.hypot(dra, dd) * 3600 < d) return true;
        }
        return false;
    }

    /**
     * A flat tile onto rotated grids from 10× finer to 10× coarser: the values stay flat and the
     * coverage, fractional along the edges, adds up to the tile's area.
     */
    @Test
    void coverageAddsUpToTheTileAreaFromUpToDownsampling() throws IOException {
        for (double ratio : new double[] {0.1, 0.5, 2.7, 10}) {
            int w = ratio < 0.5 ? 60 : 400, h = ratio < 0.5 ? 50 : 320; // 10× upsampling: a small tile
            FitsWcs src = TestSkies.tan(150.0, 30.0, 2.0, 0, w, h);
            FloatImage img = new FloatImage(w, h, 1);
            img.fill(42f);
            double scale = 2.0 * ratio;
            int n = (int) Math.ceil(2 * Math.hypot(w, h) / ratio) + 4;
            WcsGrid grid = new WcsGrid(TestSkies.tan(150.0003, 30.0002, scale, 17, n, n), n, n);
            MemorySinks m = coadd(img, src, grid);
            double cov = 0;
            int partial = 0;
            float[] v = m.mosaic.plane(0), c = m.coverage.plane(0);
            for (int i = 0; i < c.length; i++) {
                if (!(c[i] > 0)) {
                    assertTrue(Float.isNaN(v[i]));
                    continue;
                }
                cov += c[i];
                if (c[i] < 0.999) partial++;
                assertTrue(c[i] <= 1 + 1e-5, "coverage " + c[i]);
                assertEquals(42f, v[i], 2e-5f, "flat value");
            }
            double area = cov * ratio * ratio; // in input pixels
            System.out.printf("[exact] %.1fx: coverage sums to the tile area %+.2e, %d partial pixels%n",
                    ratio, area / (w * h) - 1, partial);
            assertEquals(w * h, area, 1e-6 * w * h, "area at " + ratio + "x");
            assertTrue(partial > 0, "a rotated tile's edge pixels are partly covered");
        }
    }

    /** Pixels straddling a hole's edge: value from the valid part, weight = its share, by hand. */
    @Test
    void pixelsAtAHoleGetTheValidPartAndAFractionalWeight() throws IOException {
        FitsWcs src = TestSkies.tan(150.0, 30.0, 2.0, 0, 600, 500);
        FloatImage img = new FloatImage(600, 500, 1);
        for (int y = 0; y < 500; y++) for (int x = 0; x < 600; x++) img.set(0, x, y, 100f + x);
        for (int y = 200; y < 260; y++) for (int x = 300; x < 340; x++) img.set(0, x, y, Float.NaN);
        // Output pixel (X, Y) covers source [X, X+1] × [Y-0.25, Y+0.75]: half of columns X and
        // X+1, 3/4 of row Y and 1/4 of row Y+1.
        WcsGrid grid = new WcsGrid(src.shifted(0.5, 0.25), 600, 500);
        MemorySinks m = coadd(img, src, grid);
        int[] o = offset(m, grid);
        double[][] cases = { // X, Y, weight, value
            {299, 220, 0.5, 399}, {339, 220, 0.5, 440}, {320, 199, 0.75, 420.5}, {320, 259, 0.25, 420.5},
            {299, 199, 0.875, (0.5 * 399 + 0.375 * 400) / 0.875}, {320, 230, 0, Double.NaN}, {100, 100, 1, 200.5}};
        for (double[] c : cases) {
            int x = (int) c[0] - o[0], y = (int) c[1] - o[1];
            assertEquals(c[2], m.coverage.get(0, x, y), 1e-6, "weight at " + c[0] + "," + c[1]);
            if (c[2] > 0) assertEquals(c[3], m.mosaic.get(0, x, y), 1e-4, "value at " + c[0] + "," + c[1]);
            else assertTrue(Float.isNaN(m.mosaic.get(0, x, y)));
        }
    }

    /** Through a rotation, the coverage a hole takes away is its area, however it cuts pixels. */
    @Test
    void aHoleRemovesExactlyItsAreaFromTheCoverage() throws IOException {
        FitsWcs src = ReprojectedSourceTest.SRC;
        WcsGrid grid = ReprojectedSourceTest.TARGET; // 30° rotation, 1.8"/px for 2"/px
        FloatImage img = TestSkies.render(src, 600, 500, new TestSkies.Star[0], 1, SKY, 0, 0);
        for (int y = 200; y < 260; y++) for (int x = 300; x < 340; x++) img.set(0, x, y, Float.NaN);
        MemorySinks m = coadd(img, src, grid);
        int[] o = offset(m, grid);
        double missing = 0;
        int partial = 0;
        double[] t = new double[2];
        for (int y = 0; y < m.grid.height(); y++)
            for (int x = 0; x < m.grid.width(); x++) {
                grid.wcs().pixelToWorld(x + o[0], y + o[1], t);
                src.worldToPixel(t[0], t[1], t);
                if (!(t[0] > 1.5 && t[0] < 597.5 && t[1] > 1.5 && t[1] < 497.5)) continue; // footprint inside the tile
                float c = m.coverage.get(0, x, y);
                missing += 1 - c;
                if (c > 0 && c < 0.999) {
                    partial++;
                    assertEquals(SKY, m.mosaic.get(0, x, y), 1e-3, "a partly covered pixel keeps the sky level");
                }
            }
        double hole = 40 * 60 * Math.pow(2 / 1.8, 2);
        System.out.printf("[exact] hole: coverage missing %.6f output px for %.6f, %d partial pixels%n", missing, hole, partial);
        assertEquals(hole, missing, 1e-6 * hole);
        assertTrue(partial > 100, "partial pixels along the hole's edge: " + partial);
    }

    @Test
    void bandSizeAndWorkersNeverChangeTheResult() throws IOException {
        List<CoaddInput> in = ReprojectCoaddTest.rgbTiles(); // alpha ramps, holes, rotations
        CoaddParams base = CoaddParams.defaults().withKernel(Kernel.EXACT);
        MemorySinks ref = new MemorySinks();
        ReprojectCoadd.run(in, ReprojectCoaddTest.GRID, base.withRowsPerBand(5000).withWorkers(1), ref, Progress.NONE);
        for (int[] rw : new int[][] {{7, 2}, {64, 1}}) {
            MemorySinks m = new MemorySinks();
            ReprojectCoadd.run(in, ReprojectCoaddTest.GRID, base.withRowsPerBand(rw[0]).withWorkers(rw[1])
                    .withStripCacheBytes(1 << 20), m, Progress.NONE);
            for (int c = 0; c < 3; c++)
                assertArrayEquals(ref.mosaic.plane(c), m.mosaic.plane(c), "channel " + c + " with " + rw[0] + " rows/band");
            assertArrayEquals(ref.coverage.plane(0), m.coverage.plane(0), "coverage with " + rw[0] + " rows/band");
        }
        // ReprojectedSource with this kernel: ReprojectedSourceTest.bandsOfAnySizeGiveTheSamePixels.
    }

    @Test
    void exactIsAcceptedAsAConfigValue() {
        assertEquals(Kernel.EXACT, Kernel.parse("exact"));
        assertEquals(Kernel.EXACT, Kernel.parse(" Exact "));
        assertEquals("exact", Kernel.EXACT.configName());
        Config c = new Config(); // a config file, the CLI's --set, a command's settings text
        c.put("reproject_kernel", "exact");
        assertEquals(Kernel.EXACT, CoaddParams.fromConfig(c).kernel());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kernel.parse("cubic"));
        assertTrue(e.getMessage().contains("exact"), e.getMessage());
        // The exact kernel samples footprints: the position sampler refuses it.
        SourceStrip s = SourceStrip.contiguous(1, 0, 1, new float[][] {{1f}}, null, new int[] {0, 1, 0, 1});
        assertThrows(IllegalArgumentException.class,
                () -> KernelSampler.sampleRow(Kernel.EXACT, s, new double[1], new double[1], 1, new float[1], new float[][] {new float[1]}));
    }
}
