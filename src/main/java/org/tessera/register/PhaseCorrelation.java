package org.tessera.register;

import org.apache.commons.math3.transform.DftNormalization;
import org.apache.commons.math3.transform.FastFourierTransformer;
import org.apache.commons.math3.transform.TransformType;

/**
 * FFT phase correlation of two equally sized images on a binned copy: the normalised cross-power
 * spectrum's inverse peaks at the shift between them. Only pure shifts are found this way (the
 * caller verifies the shift on matched stars); a rotation or a small overlap gives a weak, wrong
 * peak, which the verification rejects.
 */
final class PhaseCorrelation {
    private PhaseCorrelation() {}

    /** Largest side of the binned images the FFT runs on. */
    static final int MAX_SIDE = 512;

    /** A prepared image: the binned, windowed spectrum. */
    record Spectrum(int width, int height, int bin, int fw, int fh, double[][] re, double[][] im) {}

    /** Bin factor for a width × height image so that its binned sides stay within MAX_SIDE. */
    static int binFor(int width, int height) {
        int b = 1;
        while ((Math.max(width, height) + b - 1) / b > MAX_SIDE) b++;
        return b;
    }

    /** Bins (mean of finite pixels, sky-subtracted), applies a Hann window, zero-pads to powers of 2, FFTs. */
    static Spectrum spectrum(float[] lum, int width, int height, int bin) {
        int bw = width / bin, bh = height / bin;
        int fw = Integer.highestOneBit(Math.max(1, bw - 1)) << 1, fh = Integer.highestOneBit(Math.max(1, bh - 1)) << 1;
        double[] b = new double[bw * bh];
        double sum = 0;
        int cnt = 0;
        for (int y = 0; y < bh; y++)
            for (int x = 0; x < bw; x++) {
                double s = 0;
                int n = 0;
                for (int j = 0; j < bin; j++)
                    for (int i = 0; i < bin; i++) {
                        float v = lum[(y * bin + j) * width + x * bin + i];
                        if (Float.isFinite(v)) { s += v; n++; }
                    }
                double v = n > 0 ? s / n : Double.NaN;
                b[y * bw + x] = v;
                if (n > 0) { sum += v; cnt++; }
            }
        double mean = cnt > 0 ? sum / cnt : 0;
        double[][] re = new double[fh][fw], im = new double[fh][fw];
        for (int y = 0; y < bh; y++) {
            double wy = 0.5 - 0.5 * Math.cos(2 * Math.PI * (y + 0.5) / bh);
            for (int x = 0; x < bw; x++) {
                double wx = 0.5 - 0.5 * Math.cos(2 * Math.PI * (x + 0.5) / bw);
                double v = b[y * bw + x];
                re[y][x] = Double.isFinite(v) ? (v - mean) * wx * wy : 0;
            }
        }
        fft2(re, im, TransformType.FORWARD);
        return new Spectrum(width, height, bin, fw, fh, re, im);
    }

    /**
     * The shift t (full-resolution pixels) with reference(x) ≈ moving(x − t), i.e. moving pixel p
     * lies at reference pixel p + t, and the peak's strength relative to the correlation surface's
     * noise; null when the spectra do not fit together.
     */
    static double[] shift(Spectrum ref, Spectrum mov) {
        if (ref.fw != mov.fw || ref.fh != mov.fh || ref.bin != mov.bin) return null;
        int fw = ref.fw, fh = ref.fh;
        double[][] re = new double[fh][fw], im = new double[fh][fw];
        for (int y = 0; y < fh; y++)
            for (int x = 0; x < fw; x++) {
                double ar = ref.re[y][x], ai = ref.im[y][x], br = mov.re[y][x], bi = -mov.im[y][x];
                double cr = ar * br - ai * bi, ci = ar * bi + ai * br;
                double m = Math.hypot(cr, ci);
                if (m > 1e-30) { re[y][x] = cr / m; im[y][x] = ci / m; }
            }
        fft2(re, im, TransformType.INVERSE);
        int px = 0, py = 0;
        double best = Double.NEGATIVE_INFINITY, s = 0, s2 = 0;
        for (int y = 0; y < fh; y++)
            for (int x = 0; x < fw; x++) {
                double v = re[y][x];
                s += v;
                s2 += v * v;
                if (v > best) { best = v; px = x; py = y; }
            }
        int n = fw * fh;
        double sd = Math.sqrt(Math.max(0, s2 / n - (s / n) * (s / n)));
        // sub-pixel peak: a parabola through the peak and its neighbours on each axis (wrapping)
        double ox = parabola(re[py][(px - 1 + fw) % fw], best, re[py][(px + 1) % fw]);
        double oy = parabola(re[(py - 1 + fh) % fh][px], best, re[(py + 1) % fh][px]);
        double dx = px > fw / 2 ? px - fw : px, dy = py > fh / 2 ? py - fh : py;
        return new double[] {(dx + ox) * ref.bin, (dy + oy) * ref.bin, sd > 0 ? best / sd : 0};
    }

    private static double parabola(double l, double c, double r) {
        double den = l - 2 * c + r;
        return den < 0 ? Math.max(-0.5, Math.min(0.5, 0.5 * (l - r) / den)) : 0;
    }

    private static void fft2(double[][] re, double[][] im, TransformType type) {
        int h = re.length, w = re[0].length;
        double[][] buf = new double[2][];
        for (int y = 0; y < h; y++) {
            buf[0] = re[y];
            buf[1] = im[y];
            FastFourierTransformer.transformInPlace(buf, DftNormalization.STANDARD, type);
        }
        double[][] col = new double[2][h];
        for (int x = 0; x < w; x++) {
            for (int y = 0; y < h; y++) { col[0][y] = re[y][x]; col[1][y] = im[y][x]; }
            FastFourierTransformer.transformInPlace(col, DftNormalization.STANDARD, type);
            for (int y = 0; y < h; y++) { re[y][x] = col[0][y]; im[y][x] = col[1][y]; }
        }
    }
}
