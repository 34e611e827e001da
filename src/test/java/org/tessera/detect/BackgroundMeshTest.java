package org.tessera.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The mesh's clipped median and noise, found by selection, equal the sort-based definition exactly. */
class BackgroundMeshTest {

    /** The definition: sort, median, sorted deviations, their median; two 3σ clipping rounds. */
    static double[] bySorting(float[] v, int n) {
        v = Arrays.copyOf(v, n);
        double med = 0, sig = 0;
        for (int it = 0; it < 3; it++) {
            Arrays.sort(v, 0, n);
            med = median(v, n);
            float[] dev = new float[n];
            for (int i = 0; i < n; i++) dev[i] = (float) Math.abs(v[i] - med);
            Arrays.sort(dev);
            sig = 1.4826 * median(dev, n);
            if (it == 2 || !(sig > 0)) break;
            int m = 0;
            for (int i = 0; i < n; i++) if (Math.abs(v[i] - med) <= 3 * sig) v[m++] = v[i];
            if (m == n || m < 8) break;
            n = m;
        }
        return new double[] {med, sig};
    }

    private static double median(float[] s, int n) {
        return (n & 1) == 1 ? s[n / 2] : 0.5 * ((double) s[n / 2 - 1] + s[n / 2]);
    }

    @Test
    void selectionGivesTheSortedMedianAndNoiseBitForBit() {
        Random r = new Random(42);
        int cases = 0;
        for (int n : new int[] {1, 2, 3, 8, 9, 64, 255, 256, 1024, 4097}) {
            for (int rep = 0; rep < 20; rep++) {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    double x = 800 + 12 * r.nextGaussian();
                    if (r.nextInt(10) == 0) x += 500 * r.nextDouble(); // stars
                    if (rep % 4 == 1) x = Math.rint(x); // ties, as integer data gives
                    if (rep % 4 == 2) x = 800 + r.nextInt(3); // mostly equal values
                    v[i] = (float) x;
                }
                double[] expect = bySorting(v, n);
                double[] got = BackgroundMesh.clippedMedianNoise(v.clone(), n);
                assertEquals(expect[0], got[0], 0.0, "median, n=" + n + " rep " + rep);
                assertEquals(expect[1], got[1], 0.0, "noise, n=" + n + " rep " + rep);
                cases++;
            }
        }
        assertEquals(200, cases);
    }

    @Test
    void theFullResolutionMapsEqualThePerPixelInterpolation() {
        int w = 301, h = 177;
        Random r = new Random(5);
        float[] p = new float[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) p[y * w + x] = (float) (700 + 0.3 * x - 0.2 * y + 8 * r.nextGaussian());
        BackgroundMesh mesh = BackgroundMesh.measure(p, w, h, 32);
        float[] bg = mesh.backgroundMap(), noise = mesh.noiseMap();
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                assertEquals((float) mesh.background(x, y), bg[y * w + x], 0f, "background at " + x + "," + y);
                assertEquals((float) mesh.noise(x, y), noise[y * w + x], 0f, "noise at " + x + "," + y);
            }
        assertEquals(700 + 0.3 * 150 - 0.2 * 88, bg[88 * w + 150], 3.0, "the gradient is followed");
    }

    /**
     * Star detection reads the maps row by row ({@link BackgroundMesh.Rows}) instead of whole: the
     * same values, and {@code markAbove} the same verdict as the whole maps' test, also for pixels
     * set one float step above or at their threshold (where a wrong shortcut bound would miss
     * them) and for missing pixels.
     */
    @Test
    void theRowReaderGivesTheMapsValuesAndTheirThresholdTestExactly() {
        int w = 333, h = 219;
        Random r = new Random(12);
        float[] p = new float[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) p[y * w + x] = (float) (300 + 0.4 * x + 0.25 * y + 0.001 * x * y + 7 * r.nextGaussian());
        for (int k = 0; k < 200; k++) p[r.nextInt(h) * w + r.nextInt(w)] += 2000;
        BackgroundMesh mesh = BackgroundMesh.measure(p, w, h, 40, true);
        float[] bg = mesh.backgroundMap(), noise = mesh.noiseMap();
        double sigma = 5;
        int edge = 0;
        for (int i = 0; i < p.length; i += 7) { // pixels at their threshold, just above, missing
            double t = bg[i] + sigma * noise[i];
            p[i] = switch (i % 3) {
                case 0 -> Math.nextUp((float) t) > t ? Math.nextUp((float) t) : Math.nextUp(Math.nextUp((float) t));
                case 1 -> (float) t <= t ? (float) t : Math.nextDown((float) t);
                default -> Float.NaN;
            };
            edge++;
        }
        BackgroundMesh.Rows rows = mesh.rows();
        byte[] marks = new byte[w * h];
        int above = 0;
        for (int y = 0; y < h; y++) {
            rows.markAbove(p, y, sigma, marks, (byte) 3);
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                assertEquals(bg[i], rows.background(x, y), 0f, "background at " + x + "," + y);
                assertEquals(noise[i], rows.noise(x, y), 0f, "noise at " + x + "," + y);
                boolean want = p[i] > bg[i] + sigma * noise[i] && noise[i] > 0;
                assertEquals(want ? 3 : 0, marks[i], "verdict at " + x + "," + y + " value " + p[i]);
                if (want) above++;
            }
        }
        // the stars, and a third of the planted pixels exactly one step above their threshold
        assertTrue(above >= edge / 3 && above < edge / 3 + 250, "pixels above " + above + " of " + edge + " planted");
    }

    /**
     * The quarter mesh (registration's) measures the same background and noise as the full one, to
     * the scatter of a quarter of the pixels: on a demosaiced-like plane whose 2×2 phases differ in
     * noise (σ 6 and 10), with a gradient and stars.
     */
    @Test
    void aQuarterOfEachCellGivesTheFullCellsBackgroundAndNoise() {
        int w = 640, h = 512;
        Random r = new Random(9);
        float[] p = new float[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                double sigma = ((x + y) & 1) == 0 ? 6 : 10;
                p[y * w + x] = (float) (500 + 0.1 * x + sigma * r.nextGaussian());
            }
        for (int k = 0; k < 300; k++) p[r.nextInt(h) * w + r.nextInt(w)] += 3000; // star cores
        BackgroundMesh full = BackgroundMesh.measure(p, w, h, 64), quarter = BackgroundMesh.measure(p, w, h, 64, true);
        double worstBg = 0, worstNoise = 0, meanNoise = 0;
        int n = 0;
        for (int y = 16; y < h; y += 32)
            for (int x = 16; x < w; x += 32) {
                worstBg = Math.max(worstBg, Math.abs(quarter.background(x, y) - full.background(x, y)));
                worstNoise = Math.max(worstNoise, Math.abs(quarter.noise(x, y) / full.noise(x, y) - 1));
                meanNoise += full.noise(x, y);
                n++;
            }
        meanNoise /= n;
        // the noise of a mix of σ 6 and 10 (robust): between them, the same from either mesh
        assertTrue(meanNoise > 7 && meanNoise < 9, "noise " + meanNoise);
        assertTrue(worstBg < 0.1 * meanNoise, "background differs by " + worstBg);
        assertTrue(worstNoise < 0.05, "noise differs by " + 100 * worstNoise + " %");
    }
}
