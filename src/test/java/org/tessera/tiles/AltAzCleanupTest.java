package org.tessera.tiles;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.logging.Level;

import org.junit.jupiter.api.Test;
import org.tessera.Logged;
import org.tessera.config.Config;
import org.tessera.image.FloatImage;

class AltAzCleanupTest {

    @Test
    void distanceTransformIsExactEuclidean() {
        int w = 37, h = 23;
        Random r = new Random(5);
        boolean[] fg = new boolean[w * h];
        for (int i = 0; i < fg.length; i++) fg[i] = r.nextDouble() < 0.93;
        double[] d = BinaryMorphology.distanceToBackground(fg, w, h);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                double best = Double.POSITIVE_INFINITY;
                for (int v = 0; v < h; v++)
                    for (int u = 0; u < w; u++)
                        if (!fg[v * w + u]) best = Math.min(best, Math.hypot(u - x, v - y));
                assertEquals(best, d[y * w + x], 1e-9, "at " + x + "," + y);
            }
        boolean[] all = new boolean[12];
        java.util.Arrays.fill(all, true);
        for (double v : BinaryMorphology.distanceToBackground(all, 4, 3)) assertEquals(Double.POSITIVE_INFINITY, v);
    }

    @Test
    void openingByDiamondRemovesThinPartsAndCutsImageCorners() {
        int w = 30, h = 20;
        boolean[] m = new boolean[w * h];
        for (int i = 0; i < m.length; i++) m[i] = true;
        for (int x = 0; x < w; x++) m[10 * w + x] = false; // full-width gap: rows 0-9 and 11-19
        boolean[] o = BinaryMorphology.open(m, w, h, 3);
        // Outside the image is background for the erosion (scipy): corners within L1 distance of
        // the diamond are cut, the middle of a 10-row band survives.
        assertFalse(o[0]);                  // corner (0,0): nearest surviving erosion centre is (3,3), L1 6 > 3
        assertTrue(o[5 * w + 15]);
        assertTrue(o[5 * w]);               // left edge mid-band: reached from (3,5)
        boolean[] line = new boolean[w * h];
        for (int x = 0; x < w; x++) line[5 * w + x] = true; // a 1-px line vanishes
        for (boolean b : BinaryMorphology.open(line, w, h, 3)) assertFalse(b);
    }

    /** Coverage 10 in a disk of radius 60 px centred in a 200x200 tile, 0 elsewhere. */
    static float[] disk(int w, int h, double radius, float value) {
        float[] c = new float[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                if (Math.hypot(x - (w - 1) / 2.0, y - (h - 1) / 2.0) <= radius) c[y * w + x] = value;
        return c;
    }

    @Test
    void alphaFollowsTheReferenceFormula() {
        int w = 200, h = 200;
        float[] cov = disk(w, h, 60, 10);
        cov[0] = 4; // an isolated speck below thr = max(3, 0.5 * 10) = 5 is not good
        float[] alpha = AltAzCleanup.alphaFromCoverage(cov, w, h, 5.0, 0.15);
        assertNotNull(alpha);
        boolean[] good = new boolean[w * h];
        for (int i = 0; i < good.length; i++) good[i] = cov[i] >= 5;
        good = BinaryMorphology.open(good, w, h, 3);
        double[] d = BinaryMorphology.distanceToBackground(good, w, h);
        double margin = 10; // max(1, 5% of 200)
        for (int i = 0; i < alpha.length; i++) {
            double expect = !good[i] ? 0 : d[i] >= margin ? 1 : Math.pow(d[i] / margin, 1 / 0.15);
            assertEquals(expect, alpha[i], 1e-6);
        }
        int c = 100 * w + 100;
        assertEquals(1f, alpha[c]);
        assertEquals(0f, alpha[0]);
        // On the centre row, 4 px inside the disk edge: d = 4 -> (0.4)^(1/0.15).
        int x = (int) Math.ceil(99.5 - 60) + 3; // 4th good pixel from the left edge of the disk
        assertEquals(Math.pow(d[100 * w + x] / 10, 1 / 0.15), alpha[100 * w + x], 1e-6);
        assertTrue(alpha[100 * w + x] > 0 && alpha[100 * w + x] < 0.01);
    }

    @Test
    void fallbackThresholdsForThinStacks() {
        int w = 50, h = 50;
        float[] cov = disk(w, h, 20, 2); // max 2: thr = max(3, 1) = 3 finds nothing -> max(0.5, 1) = 1
        float[] alpha = AltAzCleanup.alphaFromCoverage(cov, w, h, 5.0, 0.15);
        assertEquals(1f, alpha[25 * w + 25]);
        assertEquals(0f, alpha[0]);
        assertNull(AltAzCleanup.alphaFromCoverage(new float[w * h], w, h, 5.0, 0.15));
    }

    @Test
    void zeroMarginGivesTheBinaryMask() {
        int w = 40, h = 40;
        float[] alpha = AltAzCleanup.alphaFromCoverage(disk(w, h, 15, 8), w, h, 0, 0.15);
        for (float a : alpha) assertTrue(a == 0f || a == 1f);
        assertEquals(1f, alpha[20 * w + 20]);
    }

    static FloatImage ramp(int w, int h, int channels) {
        FloatImage img = new FloatImage(w, h, channels);
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < w * h; i++) img.plane(c)[i] = 100 + i % 97 + c;
        return img;
    }

    @Test
    void nanizesOnlyWhereAlphaIsTinyAndNeverMultiplies() {
        int w = 120, h = 120;
        FloatImage img = ramp(w, h, 3);
        FloatImage before = ramp(w, h, 3);
        FloatImage cov = new FloatImage(w, h, new float[][] {disk(w, h, 50, 12)});
        AltAzCleanup.Outcome o = AltAzCleanup.apply(img, cov, new AltAzCleanup.Params(5, 0.15, true), 7);
        assertFalse(o.dropped());
        float[] a = o.alpha().plane(0);
        long nan = 0;
        for (int i = 0; i < w * h; i++) {
            for (int c = 0; c < 3; c++) {
                if (a[i] <= 1e-3) assertTrue(Float.isNaN(img.plane(c)[i]));
                else assertEquals(before.plane(c)[i], img.plane(c)[i]); // untouched, not scaled by alpha
            }
            if (a[i] <= 1e-3) nan++;
        }
        assertEquals(nan, o.nanized());
        assertTrue(nan > 0);
    }

    @Test
    void withoutNanizeTheImageIsUntouched() {
        int w = 80, h = 80;
        FloatImage img = ramp(w, h, 1);
        AltAzCleanup.Outcome o = AltAzCleanup.apply(img, new FloatImage(w, h, new float[][] {disk(w, h, 30, 9)}),
                new AltAzCleanup.Params(5, 0.15, false), 1);
        assertNotNull(o.alpha());
        assertArrayEquals(ramp(w, h, 1).plane(0), img.plane(0));
    }

    @Test
    void aMaskUnderTenPercentIsDroppedAndTheTileKept() {
        int w = 100, h = 100;
        FloatImage img = ramp(w, h, 1);
        float[] cov = new float[w * h];
        for (int y = 40; y < 60; y++) for (int x = 40; x < 70; x++) cov[y * w + x] = 6; // 6% of the tile
        try (Logged.Capture log = Logged.capture("org.tessera.tiles", Level.FINE)) {
            AltAzCleanup.Outcome o = AltAzCleanup.apply(img, new FloatImage(w, h, new float[][] {cov}),
                    new AltAzCleanup.Params(5, 0.15, true), 3);
            assertTrue(o.dropped());
            assertNull(o.alpha());
            assertTrue(o.nonZeroFraction() < 0.10);
            assertArrayEquals(ramp(w, h, 1).plane(0), img.plane(0));
            assertTrue(log.has(Level.WARNING, "[P3] tile 3: ALT-AZ mask dropped"));
        }
    }

    @Test
    void paramsFromConfig() {
        Config c = new Config().set("altaz_margin_percent=7.5").set("altaz_decay=0.3").set("altaz_nanize=false");
        assertEquals(new AltAzCleanup.Params(7.5, 0.3, false), AltAzCleanup.Params.fromConfig(c));
        assertEquals(new AltAzCleanup.Params(5.0, 0.15, true), AltAzCleanup.Params.fromConfig(new Config()));
    }
}
