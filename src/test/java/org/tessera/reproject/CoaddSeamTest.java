package org.tessera.reproject;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tessera.Progress;
import org.tessera.image.FloatImage;
import org.tessera.math.Percentiles;

/**
 * Four overlapping tiles of one sky with different gains and offsets: without matching the
 * seams show; with the reference's matching (gain/offset solve, background match) the step
 * across every seam is within the noise.
 */
class CoaddSeamTest {

    static final double NOISE = 5;
    static SyntheticMosaic sky;
    static List<CoaddInput> tiles;

    @BeforeAll
    static void makeTiles() {
        sky = new SyntheticMosaic(2, 2, 320, 240, 0.75, 200, NOISE, 11);
        double[][] go = {{1, 0}, {1.12, 40}, {0.9, -30}, {1.05, 15}};
        for (int k = 0; k < 4; k++) sky.gainOffset.set(k, go[k]);
        tiles = sky.inputs(100);
    }

    /**
     * Steps across every tile edge that lies inside another tile, in ADU, measured on the
     * residual of the mosaic after removing the best global affine image of the truth mosaic
     * (the sky's own structure would otherwise read as steps).
     */
    static List<Double> seamSteps(MemorySinks m, ReprojectCoadd.Result r) {
        FloatImage res = residual(m.mosaic, truthMosaic());
        List<Double> steps = new ArrayList<>();
        List<ReprojectCoadd.TileReport> t = r.tiles();
        for (int b = 0; b < t.size(); b++) {
            ReprojectCoadd.TileReport B = t.get(b);
            boolean left = false, top = false;
            for (int a = 0; a < t.size(); a++) {
                if (a == b) continue;
                ReprojectCoadd.TileReport A = t.get(a);
                // B's left edge inside A.
                if (!left && B.x0() > A.x0() + 20 && B.x0() < A.x1() - 20) {
                    int y0 = Math.max(A.y0(), B.y0()) + 12, y1 = Math.min(A.y1(), B.y1()) - 12;
                    if (y1 - y0 > 50) { steps.add(step(res, B.x0(), y0, y1, true)); left = true; }
                }
                // B's top edge inside A.
                if (!top && B.y0() > A.y0() + 20 && B.y0() < A.y1() - 20) {
                    int x0 = Math.max(A.x0(), B.x0()) + 12, x1 = Math.min(A.x1(), B.x1()) - 12;
                    if (x1 - x0 > 50) { steps.add(step(res, B.y0(), x0, x1, false)); top = true; }
                }
            }
        }
        return steps;
    }

    static FloatImage truth;

    /** The noiseless, uncorrected sky coadded on the same grid. */
    static FloatImage truthMosaic() {
        if (truth != null) return truth;
        try {
            SyntheticMosaic clean = new SyntheticMosaic(2, 2, 320, 240, 0.75, 200, 0, 11);
            MemorySinks m = new MemorySinks();
            ReprojectCoadd.run(clean.inputs(0), clean.grid, CoaddParams.defaults().withSteps(true, false, false, false)
                    .withWorkers(2), m, Progress.NONE);
            return truth = m.mosaic;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** m − (G·t + O) with G, O fitted by least squares over pixels valid in both. */
    static FloatImage residual(FloatImage m, FloatImage t) {
        assertEquals(t.width(), m.width());
        assertEquals(t.height(), m.height());
        float[] a = m.plane(0), b = t.plane(0);
        double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (int i = 0; i < a.length; i++) {
            if (Float.isNaN(a[i]) || Float.isNaN(b[i])) continue;
            n++; sx += b[i]; sy += a[i]; sxx += (double) b[i] * b[i]; sxy += (double) b[i] * a[i];
        }
        double g = (n * sxy - sx * sy) / (n * sxx - sx * sx), o = (sy - g * sx) / n;
        FloatImage r = new FloatImage(m.width(), m.height(), 1);
        for (int i = 0; i < a.length; i++) r.plane(0)[i] = (float) (a[i] - g * b[i] - o);
        return r;
    }

    /** Median over the edge of (mean of 8 pixels after the edge − mean of 8 before it). */
    static double step(FloatImage img, int edge, int from, int to, boolean vertical) {
        double[] d = new double[to - from];
        for (int k = from; k < to; k++) {
            double in = 0, out = 0;
            for (int s = 0; s < 8; s++) {
                in += at(img, vertical, edge + 1 + s, k);
                out += at(img, vertical, edge - 2 - s, k);
            }
            d[k - from] = (in - out) / 8;
        }
        return Percentiles.median(d);
    }

    static double at(FloatImage img, boolean vertical, int a, int k) {
        return vertical ? img.get(0, a, k) : img.get(0, k, a);
    }

    static ReprojectCoadd.Result run(CoaddParams p, MemorySinks m) throws IOException {
        return ReprojectCoadd.run(tiles, sky.grid, p.withWorkers(2), m, Progress.NONE);
    }

    @Test
    void seamsShowWithoutMatchingAndVanishWithIt() throws IOException {
        MemorySinks plain = new MemorySinks();
        ReprojectCoadd.Result rp = run(CoaddParams.defaults().withSteps(true, false, false, false), plain);
        List<Double> before = seamSteps(plain, rp);
        MemorySinks matched = new MemorySinks();
        ReprojectCoadd.Result rm = run(CoaddParams.defaults(), matched);
        List<Double> after = seamSteps(matched, rm);
        assertTrue(before.size() >= 4, "seams found: " + before.size());
        assertEquals(before.size(), after.size());
        double worstBefore = before.stream().mapToDouble(Math::abs).max().orElse(0);
        double worstAfter = after.stream().mapToDouble(Math::abs).max().orElse(0);
        System.out.println("[seams] before " + before + "\n[seams] after  " + after + "\n[seams] pairs " + rm.pairs()
                + " gains " + Arrays.toString(rm.tiles().stream().mapToDouble(ReprojectCoadd.TileReport::gain).toArray())
                + " offsets " + Arrays.toString(rm.tiles().stream().mapToDouble(ReprojectCoadd.TileReport::offset).toArray()));
        assertTrue(worstBefore > 3 * NOISE, "test premise: seams are visible without matching, worst " + worstBefore);
        assertTrue(worstAfter < NOISE, "seam steps after matching must be within the noise (" + NOISE + "): " + after);
        assertTrue(rm.pairs() >= 4, "pairs " + rm.pairs());
    }

    @Test
    void backgroundMatchingAloneRemovesPureOffsets() throws IOException {
        // Offsets only: background matching suffices.
        double[][] go = {{1, 0}, {1, 60}, {1, -45}, {1, 25}};
        SyntheticMosaic s = new SyntheticMosaic(2, 2, 320, 240, 0.75, 200, NOISE, 11);
        for (int k = 0; k < 4; k++) s.gainOffset.set(k, go[k]);
        List<CoaddInput> in = s.inputs(200);
        MemorySinks m = new MemorySinks();
        ReprojectCoadd.Result r = ReprojectCoadd.run(in, s.grid,
                CoaddParams.defaults().withSteps(true, false, true, false).withWorkers(2), m, Progress.NONE);
        List<Double> steps = seamSteps(m, r);
        double worst = steps.stream().mapToDouble(Math::abs).max().orElse(99);
        assertTrue(worst < NOISE / 2, "steps " + steps);
        // Zero-mean corrections (astropy's convention), each undoing its tile's offset.
        double sum = r.tiles().stream().mapToDouble(ReprojectCoadd.TileReport::offset).sum();
        assertEquals(0, sum, 1e-6);
        double o0 = r.tiles().get(0).offset();
        for (int k = 1; k < 4; k++)
            assertEquals(-go[k][1] + o0, r.tiles().get(k).offset(), 1.5, "tile " + k + " offset relative to tile 0");
    }
}
