package org.tessera.register;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.apache.commons.math3.transform.DftNormalization;
import org.apache.commons.math3.transform.FastFourierTransformer;
import org.apache.commons.math3.transform.TransformType;
import org.junit.jupiter.api.Test;

/**
 * The phase correlation on half spectra (two real rows per complex FFT, half the columns) finds the
 * shift the textbook full complex 2-D FFT finds, to rounding.
 */
class PhaseCorrelationTest {

    /** A star field shifted by (dx, dy) pixels, with noise. */
    private static float[] field(int w, int h, double dx, double dy, long seed) {
        Random r = new Random(7);
        int n = 300;
        double[] sx = new double[n], sy = new double[n], sf = new double[n];
        for (int i = 0; i < n; i++) {
            sx[i] = r.nextDouble() * w;
            sy[i] = r.nextDouble() * h;
            sf[i] = 200 + 5000 * Math.pow(r.nextDouble(), 3);
        }
        Random noise = new Random(seed);
        float[] p = new float[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) p[y * w + x] = (float) (300 + 0.01 * x + 5 * noise.nextGaussian());
        for (int i = 0; i < n; i++) {
            double cx = sx[i] + dx, cy = sy[i] + dy;
            for (int y = Math.max(0, (int) cy - 6); y < Math.min(h, (int) cy + 7); y++)
                for (int x = Math.max(0, (int) cx - 6); x < Math.min(w, (int) cx + 7); x++)
                    p[y * w + x] += (float) (sf[i] * Math.exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / 4.5));
        }
        return p;
    }

    /** The shift by the full complex 2-D FFT (the former code), as the reference. */
    private static double[] fullFft(float[] a, float[] b, int w, int h, int bin) {
        double[][][] sa = fullSpectrum(a, w, h, bin), sb = fullSpectrum(b, w, h, bin);
        int fh = sa[0].length, fw = sa[0][0].length;
        double[][] re = new double[fh][fw], im = new double[fh][fw];
        for (int y = 0; y < fh; y++)
            for (int x = 0; x < fw; x++) {
                double ar = sa[0][y][x], ai = sa[1][y][x], br = sb[0][y][x], bi = -sb[1][y][x];
                double cr = ar * br - ai * bi, ci = ar * bi + ai * br, m = Math.hypot(cr, ci);
                if (m > 1e-30) { re[y][x] = cr / m; im[y][x] = ci / m; }
            }
        fft2(re, im, TransformType.INVERSE);
        int px = 0, py = 0;
        double best = Double.NEGATIVE_INFINITY;
        for (int y = 0; y < fh; y++)
            for (int x = 0; x < fw; x++) if (re[y][x] > best) { best = re[y][x]; px = x; py = y; }
        double ox = parabola(re[py][(px - 1 + fw) % fw], best, re[py][(px + 1) % fw]);
        double oy = parabola(re[(py - 1 + fh) % fh][px], best, re[(py + 1) % fh][px]);
        double dx = px > fw / 2 ? px - fw : px, dy = py > fh / 2 ? py - fh : py;
        return new double[] {(dx + ox) * bin, (dy + oy) * bin};
    }

    private static double parabola(double l, double c, double r) {
        double den = l - 2 * c + r;
        return den < 0 ? Math.max(-0.5, Math.min(0.5, 0.5 * (l - r) / den)) : 0;
    }

    private static double[][][] fullSpectrum(float[] lum, int width, int height, int bin) {
        int bw = width / bin, bh = height / bin;
        int fw = Integer.highestOneBit(Math.max(1, bw - 1)) << 1, fh = Integer.highestOneBit(Math.max(1, bh - 1)) << 1;
        double[] b = new double[bw * bh];
        double sum = 0;
        for (int y = 0; y < bh; y++)
            for (int x = 0; x < bw; x++) {
                double s = 0;
                for (int j = 0; j < bin; j++)
                    for (int i = 0; i < bin; i++) s += lum[(y * bin + j) * width + x * bin + i];
                b[y * bw + x] = s / (bin * bin);
                sum += b[y * bw + x];
            }
        double mean = sum / (bw * bh);
        double[][] re = new double[fh][fw], im = new double[fh][fw];
        for (int y = 0; y < bh; y++) {
            double wy = 0.5 - 0.5 * Math.cos(2 * Math.PI * (y + 0.5) / bh);
            for (int x = 0; x < bw; x++)
                re[y][x] = (b[y * bw + x] - mean) * (0.5 - 0.5 * Math.cos(2 * Math.PI * (x + 0.5) / bw)) * wy;
        }
        fft2(re, im, TransformType.FORWARD);
        return new double[][][] {re, im};
    }

    private static void fft2(double[][] re, double[][] im, TransformType type) {
        int h = re.length, w = re[0].length;
        for (int y = 0; y < h; y++) FastFourierTransformer.transformInPlace(new double[][] {re[y], im[y]}, DftNormalization.STANDARD, type);
        double[][] col = new double[2][h];
        for (int x = 0; x < w; x++) {
            for (int y = 0; y < h; y++) { col[0][y] = re[y][x]; col[1][y] = im[y][x]; }
            FastFourierTransformer.transformInPlace(col, DftNormalization.STANDARD, type);
            for (int y = 0; y < h; y++) { re[y][x] = col[0][y]; im[y][x] = col[1][y]; }
        }
    }

    @Test
    void halfSpectraFindTheFullFftsShift() {
        // odd binned height (the last row pair has one real row), non-square, several shifts
        int[][] sizes = {{300, 522, 2}, {257, 190, 1}, {1080, 1920, 4}};
        double[][] shifts = {{3.3, -7.6}, {-20.2, 11.7}, {0, 0.4}};
        for (int[] sz : sizes) {
            int w = sz[0], h = sz[1], bin = sz[2];
            for (double[] t : shifts) {
                float[] a = field(w, h, 0, 0, 1), b = field(w, h, -t[0], -t[1], 2);
                double[] expect = fullFft(a, b, w, h, bin);
                PhaseCorrelation.Spectrum sa = PhaseCorrelation.spectrum(a, w, h, bin), sb = PhaseCorrelation.spectrum(b, w, h, bin);
                double[] got = PhaseCorrelation.shift(sa, sb);
                assertEquals(expect[0], got[0], 1e-9, w + "x" + h + " shift x");
                assertEquals(expect[1], got[1], 1e-9, w + "x" + h + " shift y");
                // and the shift is the true one within the binned grid's parabola accuracy
                assertEquals(t[0], got[0], 0.5 * bin, "true shift x");
                assertEquals(t[1], got[1], 0.5 * bin, "true shift y");
                assertTrue(got[2] > 10, "peak strength " + got[2]);
            }
        }
    }
}
