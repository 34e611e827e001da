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

    /**
     * A prepared image: the binned, windowed spectrum, only its columns 0 .. fw/2 (the others are
     * their complex conjugates, the image being real: X[k1][fw − k2] = conj X[fh − k1][k2]).
     */
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
        int fw = padded(bw), fh = padded(bh);
        double[] b = binned(lum, width, bin, bw, bh, null, null);
        double mean = finiteMean(b);
        double[][][] h = halfSpectrum(b, bw, bh, mean, fw, fh);
        return new Spectrum(width, height, bin, fw, fh, h[0], h[1]);
    }

    /** The FFT side for {@code n} samples: the power of two at or above it. */
    static int padded(int n) {
        return Integer.highestOneBit(Math.max(1, n - 1)) << 1;
    }

    /**
     * A plane binned {@code bin} × {@code bin} to {@code bw} × {@code bh}: the mean of each block's
     * finite pixels, each less its row's and column's offset when {@code rowOff}/{@code colOff} are
     * given (null: none); NaN for a block without one.
     */
    static double[] binned(float[] lum, int width, int bin, int bw, int bh, double[] rowOff, double[] colOff) {
        double[] b = new double[bw * bh];
        for (int y = 0; y < bh; y++)
            for (int x = 0; x < bw; x++) {
                double s = 0;
                int n = 0;
                for (int j = 0; j < bin; j++) {
                    int yy = y * bin + j;
                    for (int i = 0; i < bin; i++) {
                        int xx = x * bin + i;
                        float v = lum[yy * width + xx];
                        if (Float.isFinite(v)) {
                            s += rowOff == null ? v : v - rowOff[yy] - colOff[xx];
                            n++;
                        }
                    }
                }
                b[y * bw + x] = n > 0 ? s / n : Double.NaN;
            }
        return b;
    }

    /** The mean of the finite values of {@code b}, 0 when there are none. */
    static double finiteMean(double[] b) {
        double sum = 0;
        int cnt = 0;
        for (double v : b)
            if (Double.isFinite(v)) { sum += v; cnt++; }
        return cnt > 0 ? sum / cnt : 0;
    }

    /**
     * The half spectrum {re, im} (fh rows of fw/2 + 1) of a binned plane {@code b} (bw × bh; NaN:
     * no data, taken as the mean) less {@code mean}, Hann-windowed and zero-padded to fw × fh:
     * what both this class and {@link AreaCorrelation} correlate.
     */
    static double[][][] halfSpectrum(double[] b, int bw, int bh, double mean, int fw, int fh) {
        double[][] img = new double[bh][fw];
        double[] wx = new double[bw];
        for (int x = 0; x < bw; x++) wx[x] = 0.5 - 0.5 * Math.cos(2 * Math.PI * (x + 0.5) / bw);
        for (int y = 0; y < bh; y++) {
            double wy = 0.5 - 0.5 * Math.cos(2 * Math.PI * (y + 0.5) / bh);
            for (int x = 0; x < bw; x++) {
                double v = b[y * bw + x];
                img[y][x] = Double.isFinite(v) ? (v - mean) * wx[x] * wy : 0;
            }
        }
        int hw = fw / 2 + 1;
        double[][] re = new double[fh][hw], im = new double[fh][hw];
        forwardRows(img, fw, re, im);
        columns(re, im, TransformType.FORWARD);
        return new double[][][] {re, im};
    }

    /**
     * The shift t (full-resolution pixels) with reference(x) ≈ moving(x − t), i.e. moving pixel p
     * lies at reference pixel p + t, and the peak's strength relative to the correlation surface's
     * noise; null when the spectra do not fit together.
     */
    static double[] shift(Spectrum ref, Spectrum mov) {
        if (ref.fw != mov.fw || ref.fh != mov.fh || ref.bin != mov.bin) return null;
        int fw = ref.fw, fh = ref.fh, hw = fw / 2 + 1;
        double[][] re = new double[fh][hw], im = new double[fh][hw];
        for (int y = 0; y < fh; y++) {
            double[] rr = ref.re[y], ri = ref.im[y], mr = mov.re[y], mi = mov.im[y], or = re[y], oi = im[y];
            for (int x = 0; x < hw; x++) {
                double ar = rr[x], ai = ri[x], br = mr[x], bi = -mi[x];
                double cr = ar * br - ai * bi, ci = ar * bi + ai * br;
                double m = Math.sqrt(cr * cr + ci * ci);
                if (m > 1e-30) { or[x] = cr / m; oi[x] = ci / m; }
            }
        }
        columns(re, im, TransformType.INVERSE);
        double[][] c = inverseRows(re, im, fw);
        int px = 0, py = 0;
        double best = Double.NEGATIVE_INFINITY, s = 0, s2 = 0;
        for (int y = 0; y < fh; y++)
            for (int x = 0; x < fw; x++) {
                double v = c[y][x];
                s += v;
                s2 += v * v;
                if (v > best) { best = v; px = x; py = y; }
            }
        int n = fw * fh;
        double sd = Math.sqrt(Math.max(0, s2 / n - (s / n) * (s / n)));
        // sub-pixel peak: a parabola through the peak and its neighbours on each axis (wrapping)
        double ox = parabola(c[py][(px - 1 + fw) % fw], best, c[py][(px + 1) % fw]);
        double oy = parabola(c[(py - 1 + fh) % fh][px], best, c[(py + 1) % fh][px]);
        double dx = px > fw / 2 ? px - fw : px, dy = py > fh / 2 ? py - fh : py;
        return new double[] {(dx + ox) * ref.bin, (dy + oy) * ref.bin, sd > 0 ? best / sd : 0};
    }

    private static double parabola(double l, double c, double r) {
        double den = l - 2 * c + r;
        return den < 0 ? Math.max(-0.5, Math.min(0.5, 0.5 * (l - r) / den)) : 0;
    }

    /**
     * Row spectra (columns 0 .. fw/2) of the real rows of img (zero-padded to fw; rows past img's
     * end are zero), two rows per complex FFT: z = a + i·b gives A[k] = (Z[k] + conj Z[−k]) / 2 and
     * B[k] = (Z[k] − conj Z[−k]) / 2i.
     */
    static void forwardRows(double[][] img, int fw, double[][] re, double[][] im) {
        int hw = fw / 2 + 1;
        double[][] buf = new double[2][fw];
        for (int y = 0; y < img.length; y += 2) {
            System.arraycopy(img[y], 0, buf[0], 0, fw);
            if (y + 1 < img.length) System.arraycopy(img[y + 1], 0, buf[1], 0, fw);
            else java.util.Arrays.fill(buf[1], 0);
            FastFourierTransformer.transformInPlace(buf, DftNormalization.STANDARD, TransformType.FORWARD);
            double[] zr = buf[0], zi = buf[1];
            boolean second = y + 1 < re.length;
            for (int k = 0; k < hw; k++) {
                int q = (fw - k) & (fw - 1);
                double pr = zr[k], pi = zi[k], cr = zr[q], ci = -zi[q]; // Z[k], conj Z[−k]
                re[y][k] = 0.5 * (pr + cr);
                im[y][k] = 0.5 * (pi + ci);
                if (second) {
                    re[y + 1][k] = 0.5 * (pi - ci);
                    im[y + 1][k] = -0.5 * (pr - cr);
                }
            }
        }
    }

    /** FFT of each column of the half spectrum (in place). */
    static void columns(double[][] re, double[][] im, TransformType type) {
        int h = re.length, w = re[0].length;
        double[][] col = new double[2][h];
        for (int x = 0; x < w; x++) {
            for (int y = 0; y < h; y++) { col[0][y] = re[y][x]; col[1][y] = im[y][x]; }
            FastFourierTransformer.transformInPlace(col, DftNormalization.STANDARD, type);
            for (int y = 0; y < h; y++) { re[y][x] = col[0][y]; im[y][x] = col[1][y]; }
        }
    }

    /**
     * Inverse row transforms of a half spectrum whose rows are Hermitian (the inverse is real), two
     * rows per complex FFT: Z = A + i·B, the real part of its inverse is a's row, the imaginary b's.
     */
    static double[][] inverseRows(double[][] re, double[][] im, int fw) {
        int h = re.length, hw = fw / 2 + 1;
        double[][] out = new double[h][];
        for (int y = 0; y < h; y += 2) {
            double[] zr = new double[fw], zi = new double[fw];
            boolean second = y + 1 < h;
            for (int k = 0; k < fw; k++) {
                int q = k < hw ? k : fw - k;
                double s = k < hw ? 1 : -1; // conj for the mirrored half
                double ar = re[y][q], ai = s * im[y][q];
                double br = second ? re[y + 1][q] : 0, bi = second ? s * im[y + 1][q] : 0;
                zr[k] = ar - bi;
                zi[k] = ai + br;
            }
            double[][] buf = {zr, zi};
            FastFourierTransformer.transformInPlace(buf, DftNormalization.STANDARD, TransformType.INVERSE);
            out[y] = zr;
            if (second) out[y + 1] = zi;
        }
        return out;
    }
}
