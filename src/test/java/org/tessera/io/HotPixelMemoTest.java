package org.tessera.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hot-pixel corrections found once per frame and replayed (HotPixelMemo) give, for any band,
 * exactly what correcting that band with its context rows gives.
 */
class HotPixelMemoTest {

    static final int W = 123, H = 301;

    /** Sky with noise, a few NaNs and {@code hot} planted hot pixels (one in 40 a cluster of two). */
    static float[] plane(long seed, int hot) {
        Random r = new Random(seed);
        float[] p = new float[W * H];
        for (int i = 0; i < p.length; i++) p[i] = (float) (1000 + 10 * r.nextGaussian());
        for (int k = 0; k < 30; k++) p[r.nextInt(p.length)] = Float.NaN;
        for (int k = 0; k < hot; k++) p[r.nextInt(p.length)] += 400 + r.nextInt(4000);
        return p;
    }

    static HotPixelMemo.PlaneReader reader(float[]... planes) {
        return (plane, y0, rows, dst) -> System.arraycopy(planes[plane], y0 * W, dst, 0, rows * W);
    }

    /** The plane rounded to integers (NaN kept): a decoded 16-bit frame's values. */
    static float[] rounded(float[] p) {
        float[] q = new float[p.length];
        for (int i = 0; i < p.length; i++) q[i] = p[i] == p[i] ? Math.round(p[i]) : Float.NaN;
        return q;
    }

    @Test
    void replayedCorrectionsEqualBandwiseCorrectionForCfaAndMonoPlanes() throws Exception {
        for (int k = 0; k < 4; k++) {
            int step = 1 + k % 2;
            boolean integral = k >= 2; // integer values: the sliding sums of HotPixels.find
            float[] a = plane(7 + step, 150), b = plane(11 + step, 90);
            if (integral) {
                a = rounded(a);
                b = rounded(b);
            }
            HotPixelMemo.Fixes fx = new HotPixelMemo().get(2, W, H, step, integral, reader(a, b));
            assertNotNull(fx);
            int ctx = HotPixels.context(step);
            int total = 0;
            for (int p = 0; p < 2; p++) {
                float[] src = p == 0 ? a : b;
                float[] whole = new float[W * H];
                total += HotPixels.correct(src, W, H, 0, H, 0, H, whole, step);
                for (int rows : new int[] {1, 7, 64, H}) {
                    for (int y0 = 0; y0 < H; y0 += rows) {
                        int n = Math.min(rows, H - y0);
                        int e0 = Math.max(0, y0 - ctx), e1 = Math.min(H, y0 + n + ctx);
                        float[] ext = java.util.Arrays.copyOfRange(src, e0 * W, e1 * W);
                        float[] expect = new float[n * W];
                        HotPixels.correct(ext, W, H, e0, e1 - e0, y0, n, expect, step);
                        float[] got = java.util.Arrays.copyOfRange(src, y0 * W, (y0 + n) * W);
                        fx.apply(p, W, y0, n, got, 0);
                        assertArrayEquals(expect, got, "step " + step + " plane " + p + " rows " + y0 + "+" + n);
                    }
                }
            }
            assertEquals(total, fx.count(), "step " + step + ": one stored value per replaced pixel");
            assertTrue(total > 100, "step " + step + ": only " + total + " pixels replaced");
        }
    }

    @Test
    void aFrameWithTooManyCorrectionsIsNotKept() throws Exception {
        int h = 3 * H;
        Random r = new Random(3);
        float[] a = new float[W * h];
        for (int i = 0; i < a.length; i++) a[i] = (float) (1000 + 10 * r.nextGaussian());
        for (int y = 3; y < h; y += 6) for (int x = 3; x < W; x += 6) a[y * W + x] += 3000; // isolated, 6 px apart
        int replaced = HotPixels.correct(a, W, h, 0, h, 0, h, new float[W * h], 1);
        assertTrue(replaced > HotPixelMemo.MAX_ENTRIES, "only " + replaced + " replaced");
        assertNull(new HotPixelMemo().get(1, W, h, 1, false, (plane, y0, rows, dst) -> System.arraycopy(a, y0 * W, dst, 0, rows * W)));
    }

    @Test
    void aMonoFrameReadInBandsGivesTheCorrectedPlane(@TempDir Path dir) throws Exception {
        float[] p = plane(5, 120);
        float[][] data = new float[H][W];
        for (int y = 0; y < H; y++) System.arraycopy(p, y * W, data[y], 0, W);
        FitsFrame f = FitsFrame.open(FitsFixtures.write(dir.resolve("mono.fits"), data)).withReading(FrameReading.DEFAULT);
        float[] expect = p.clone();
        int replaced = HotPixels.correctPlane(expect, W, H, 1);
        assertTrue(replaced > 50, "only " + replaced + " replaced");
        // Bands first (the corrections are found on the first read), then the whole frame: same pixels.
        float[][] band = f.newBand(17);
        for (int y0 = 0; y0 < H; y0 += 17) {
            int n = Math.min(17, H - y0);
            f.readRows(y0, n, band);
            for (int i = 0; i < n * W; i++) assertEquals(expect[y0 * W + i], band[0][i], "row " + (y0 + i / W));
        }
        float[][] whole = f.newBand(H);
        f.readRows(0, H, whole);
        assertArrayEquals(expect, whole[0]);
    }
}
