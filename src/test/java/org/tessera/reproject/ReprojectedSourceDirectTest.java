package org.tessera.reproject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tessera.image.AllFinite;
import org.tessera.image.RowSource;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.WcsGrid;

/**
 * The bilinear view of a source without NaN written straight into the band
 * ({@link KernelSampler#bilinearInto}) gives the bits of the general path through the weight row
 * ({@link KernelSampler#mapAndSample}), at every pixel, in any band, for 1 and 3 channels, with
 * the footprint's rotated edges inside the target, and whether or not the source says it holds no NaN.
 */
class ReprojectedSourceDirectTest {

    static final int SW = 300, SH = 200;

    /** Random planes (integers in half the cases, else fractions), optionally declaring {@link AllFinite}. */
    static RowSource source(int nc, long seed, boolean integers, boolean declares) {
        Random r = new Random(seed);
        float[][] p = new float[nc][SW * SH];
        for (float[] q : p)
            for (int i = 0; i < q.length; i++)
                q[i] = integers ? r.nextInt(65536) : (float) (700 + 50 * r.nextGaussian());
        abstract class S implements RowSource {
            @Override public int width() { return SW; }
            @Override public int height() { return SH; }
            @Override public int channels() { return nc; }
            @Override public void readRows(int y0, int rows, float[][] dst) {
                for (int c = 0; c < nc; c++) System.arraycopy(p[c], y0 * SW, dst[c], 0, rows * SW);
            }
        }
        if (!declares) return new S() {};
        final class F extends S implements AllFinite {
            @Override public boolean allFinite() { return true; }
        }
        return new F();
    }

    @Test
    void directBilinearGivesTheBitsOfTheWeightRowPath() throws IOException {
        int compared = 0, finite = 0, edge = 0;
        for (int t = 0; t < 8; t++) {
            int nc = t % 2 == 0 ? 3 : 1;
            double rot = 3 + 11 * t, scale = 1.7 + 0.05 * t;
            FitsWcs sw = TestSkies.tan(150.0, 30.0, 2.0, 0, SW, SH);
            WcsGrid target = new WcsGrid(TestSkies.tan(150.0 + 0.001 * t, 30.0, scale, rot, 420, 380), 420, 380);
            ReprojectedSource fast = new ReprojectedSource(source(nc, t, t % 4 < 2, t % 3 != 0), sw, target);
            ReprojectedSource slow = fast.withoutDirectPath();
            for (int rows : new int[] {1, 37, 380}) {
                float[][] a = fast.newBand(rows), b = slow.newBand(rows);
                for (int y0 = 0; y0 < 380; y0 += rows) {
                    int n = Math.min(rows, 380 - y0);
                    for (float[] q : a) java.util.Arrays.fill(q, 12345f); // whatever a band held before
                    fast.readRows(y0, n, a);
                    slow.readRows(y0, n, b);
                    for (int c = 0; c < nc; c++)
                        for (int i = 0; i < n * 420; i++) {
                            assertEquals(Float.floatToRawIntBits(b[c][i]), Float.floatToRawIntBits(a[c][i]),
                                    "case " + t + " band " + y0 + "+" + n + " channel " + c + " pixel " + i);
                            compared++;
                            if (!Float.isNaN(a[c][i])) finite++;
                        }
                }
            }
            // positions within a pixel of the source's edge take the general rule: some must occur
            double[] p = new double[2];
            for (int y = 0; y < 380; y++)
                for (int x = 0; x < 420; x++) {
                    target.wcs().pixelToWorld(x, y, p);
                    sw.worldToPixel(p[0], p[1], p);
                    if (p[0] > -0.5 && p[0] < 0 || p[0] > SW - 1 && p[0] < SW - 0.5) edge++;
                }
        }
        assertTrue(compared > 5_000_000 && finite > compared / 4 && finite < compared * 9 / 10,
                compared + " compared, " + finite + " finite");
        assertTrue(edge > 500, edge + " positions on the edge");
    }

    @Test
    void aReprojectionOfAReprojectionReadsWhatItsMaterialisedSourceGives() throws IOException {
        // Each thread reuses one source band; a view whose source is itself a view must not share it.
        FitsWcs sw = TestSkies.tan(150.0, 30.0, 2.0, 0, SW, SH);
        WcsGrid mid = new WcsGrid(TestSkies.tan(150.0, 30.0, 1.9, 10, 330, 260), 330, 260);
        WcsGrid end = new WcsGrid(TestSkies.tan(150.0, 30.0, 1.8, 25, 360, 300), 360, 300);
        ReprojectedSource inner = new ReprojectedSource(source(3, 9, false, true), sw, mid);
        org.tessera.image.FloatImage copy = org.tessera.image.FloatImage.copyOf(inner);
        ReprojectedSource nested = new ReprojectedSource(inner, mid.wcs(), end);
        ReprojectedSource flat = new ReprojectedSource(copy, mid.wcs(), end);
        float[][] a = nested.newBand(50), b = flat.newBand(50);
        int finite = 0;
        for (int y0 = 0; y0 < 300; y0 += 50) {
            nested.readRows(y0, 50, a);
            flat.readRows(y0, 50, b);
            for (int c = 0; c < 3; c++)
                for (int i = 0; i < 50 * 360; i++) {
                    assertEquals(Float.floatToRawIntBits(b[c][i]), Float.floatToRawIntBits(a[c][i]), "band " + y0 + " pixel " + i);
                    if (!Float.isNaN(a[c][i])) finite++;
                }
        }
        assertTrue(finite > 100_000, finite + " finite");
    }

    @Test
    void aSourceWithStableRowsIsReadOncePerSurveyAndGivesTheSameBits() throws IOException {
        // Bands from the top overlap in the source (a rotated frame): rows kept from the last call
        // are not read again; the values are those of a source read in full at every call.
        Random r = new Random(4);
        float[][] p = new float[3][SW * SH];
        for (float[] q : p) for (int i = 0; i < q.length; i++) q[i] = r.nextInt(65536);
        int[] rowsRead = new int[2];
        final class Plain implements RowSource {
            final int k;
            Plain(int k) { this.k = k; }
            @Override public int width() { return SW; }
            @Override public int height() { return SH; }
            @Override public int channels() { return 3; }
            @Override public void readRows(int y0, int rows, float[][] dst) {
                rowsRead[k] += rows;
                for (int c = 0; c < 3; c++) System.arraycopy(p[c], y0 * SW, dst[c], 0, rows * SW);
            }
        }
        final class Stable extends Object implements RowSource, org.tessera.image.StableRows {
            final Plain in = new Plain(1);
            @Override public int width() { return SW; }
            @Override public int height() { return SH; }
            @Override public int channels() { return 3; }
            @Override public void readRows(int y0, int rows, float[][] dst) { in.readRows(y0, rows, dst); }
        }
        FitsWcs sw = TestSkies.tan(150.0, 30.0, 2.0, 0, SW, SH);
        for (int t = 0; t < 3; t++) {
            WcsGrid target = new WcsGrid(TestSkies.tan(150.0, 30.0, 1.9, 8 + 20 * t, 400, 400), 400, 400);
            ReprojectedSource a = new ReprojectedSource(new Stable(), sw, target), b = new ReprojectedSource(new Plain(0), sw, target);
            for (int pass = 0; pass < 2; pass++) { // the second pass starts again from the top
                float[][] x = new float[3][400 * 400], y = new float[3][400 * 400], band = a.newBand(60);
                for (ReprojectedSource v : new ReprojectedSource[] {a, b}) // one view's survey, then the other's
                    for (int y0 = 0; y0 < 400; y0 += 60) {
                        int n = Math.min(60, 400 - y0);
                        v.readRows(y0, n, band);
                        for (int c = 0; c < 3; c++) System.arraycopy(band[c], 0, v == a ? x[c] : y[c], y0 * 400, n * 400);
                    }
                for (int c = 0; c < 3; c++)
                    for (int i = 0; i < 400 * 400; i++)
                        assertEquals(Float.floatToRawIntBits(y[c][i]), Float.floatToRawIntBits(x[c][i]),
                                "rotation case " + t + " pass " + pass + " pixel " + i);
            }
        }
        assertTrue(rowsRead[1] < rowsRead[0] * 0.8, rowsRead[1] + " rows read against " + rowsRead[0]);
    }
}
