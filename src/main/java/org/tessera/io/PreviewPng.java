package org.tessera.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.logging.Logger;

import org.tessera.UserMessages;
import org.tessera.image.RowSource;
import org.tessera.math.Percentiles;

/**
 * An 8-bit PNG preview of a (possibly huge) image, read band by band.
 * <p>
 * Steps: block-average f×f pixels (NaN ignored) with the smallest integer f that brings the longest
 * side to at most {@code maxDim}; per channel (channels in parallel), exact percentiles
 * {@code pLow}, {@code pHigh} of the finite downsampled values (linear interpolation between order
 * statistics, as numpy's default; found by selection, {@link Percentiles#percentiles(float[], double...)});
 * {@code x = clamp((v − lo) / (hi − lo), 0, 1)}; {@code y = asinh(x / a) / asinh(1 / a)}; byte
 * {@code round(255 · y)}. Alpha is 0 where the coverage is ≤ 0 or NaN, or where all channels are
 * NaN, else 255. Rows are flipped so that FITS row 0 (the bottom, as DS9 and astropy show it) is the
 * bottom of the PNG. The file ({@link PngWriter}) is written to {@code <png>.part} and renamed.
 */
public final class PreviewPng {

    private static final Logger LOG = Logger.getLogger("org.tessera.io");

    private PreviewPng() {}

    public static void write(RowSource image, RowSource coverageOrNull, Path png, double pLow, double pHigh,
                             double asinhA, int maxDim) throws IOException {
        int nc = image.channels();
        if (nc != 1 && nc != 3) throw new IllegalArgumentException("preview needs 1 or 3 channels, image has " + nc);
        if (coverageOrNull != null && (coverageOrNull.width() != image.width() || coverageOrNull.height() != image.height()))
            throw new IllegalArgumentException("coverage is " + coverageOrNull.width() + "x" + coverageOrNull.height()
                    + ", image " + image.width() + "x" + image.height());
        if (maxDim < 1 || !(asinhA > 0) || !(pLow < pHigh))
            throw new IllegalArgumentException("bad preview parameters: maxDim=" + maxDim + " a=" + asinhA
                    + " p=[" + pLow + ", " + pHigh + "]");

        int f = factor(image.width(), image.height(), maxDim);
        write(downsample(image, coverageOrNull, f), f, png, pLow, pHigh, asinhA);
    }

    /**
     * {@link #write(RowSource, RowSource, Path, double, double, double, int)} from block means
     * already taken ({@link PreviewBlocks}, fed with the bands of the mosaic and its coverage as
     * they were written) instead of reading the files back: the same bytes.
     */
    public static void write(PreviewBlocks image, PreviewBlocks coverageOrNull, Path png, double pLow, double pHigh,
                             double asinhA) throws IOException {
        int nc = image.channels();
        if (nc != 1 && nc != 3) throw new IllegalArgumentException("preview needs 1 or 3 channels, image has " + nc);
        if (coverageOrNull != null && (coverageOrNull.width() != image.width() || coverageOrNull.height() != image.height()
                || coverageOrNull.factor() != image.factor()))
            throw new IllegalArgumentException("coverage blocks do not match the image's");
        if (!(asinhA > 0) || !(pLow < pHigh))
            throw new IllegalArgumentException("bad preview parameters: a=" + asinhA + " p=[" + pLow + ", " + pHigh + "]");
        float[][] planes = image.means();
        write(new Downsampled(image.blocksX(), image.blocksY(), planes, coverageOrNull == null ? null : coverageOrNull.means()[0]),
                image.factor(), png, pLow, pHigh, asinhA);
    }

    private static void write(Downsampled d, int f, Path png, double pLow, double pHigh, double asinhA) throws IOException {
        int nc = d.planes.length;
        int ow = d.width, oh = d.height;

        float[][] lohi = windows(d, pLow, pHigh);

        byte[][] out = new byte[nc][ow * oh];
        byte[] alpha = new byte[ow * oh];
        StretchBytes[] bytes = new StretchBytes[nc];
        for (int c = 0; c < nc; c++) bytes[c] = new StretchBytes(lohi[c][0], lohi[c][1], asinhA);
        for (int i = 0; i < ow * oh; i++) {
            boolean any = false;
            for (int c = 0; c < nc; c++) {
                float v = d.planes[c][i];
                if (Float.isNaN(v)) continue;
                any = true;
                out[c][i] = (byte) bytes[c].of(v);
            }
            boolean covered = d.coverage == null || d.coverage[i] > 0; // NaN > 0 is false
            alpha[i] = any && covered ? (byte) 255 : 0;
        }

        Path tmp = png.resolveSibling(png.getFileName() + ".part");
        try {
            try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                PngWriter.write(os, ow, oh, nc + 1, rows(ow, oh, out, alpha));
            } catch (IOException e) { // a full disk, a folder that cannot be written: name the file
                throw new IOException(png + ": cannot write: " + UserMessages.problemWith(e), e);
            }
            AtomicFiles.commit(tmp, png);
        } finally {
            Files.deleteIfExists(tmp);
        }
        LOG.info(String.format(Locale.ROOT, "[P6] preview %s: %dx%d (block %d), p=[%.3g, %.4g], asinh a=%.3g",
                png.getFileName(), ow, oh, f, pLow, pHigh, asinhA));
    }

    /**
     * The per-channel window {lo, hi} that {@link #write} stretches between for this image and these
     * parameters: the same block means and percentiles, without writing a file (Fiji's display
     * range of the mosaic, so that it looks like its preview). NaN where a channel has no finite value.
     */
    public static double[][] windows(RowSource image, double pLow, double pHigh, int maxDim) throws IOException {
        if (maxDim < 1 || !(pLow < pHigh))
            throw new IllegalArgumentException("bad preview parameters: maxDim=" + maxDim + " p=[" + pLow + ", " + pHigh + "]");
        float[][] lohi = windows(downsample(image, null, factor(image.width(), image.height(), maxDim)), pLow, pHigh);
        double[][] out = new double[lohi.length][];
        for (int c = 0; c < lohi.length; c++) out[c] = new double[] {lohi[c][0], lohi[c][1]};
        return out;
    }

    private static float[][] windows(Downsampled d, double pLow, double pHigh) {
        // The channels' percentiles are independent: one thread each.
        float[][] lohi = new float[d.planes.length][];
        if (lohi.length == 1) lohi[0] = percentiles(d.planes[0], pLow, pHigh); // no thread to start for one
        else java.util.stream.IntStream.range(0, lohi.length).parallel().forEach(c -> lohi[c] = percentiles(d.planes[c], pLow, pHigh));
        return lohi;
    }

    /** The smallest block size that brings the longest side to at most maxDim. */
    static int factor(int width, int height, int maxDim) {
        int longest = Math.max(width, height);
        return Math.max(1, (longest + maxDim - 1) / maxDim);
    }

    /** The stretch of one value: percentile window, then asinh(x / a) / asinh(1 / a). */
    public static double stretch(double v, double lo, double hi, double a, double asinhOneOverA) {
        double x = hi > lo ? (v - lo) / (hi - lo) : (v > lo ? 1 : 0);
        x = Math.min(1, Math.max(0, x));
        return asinh(x / a) / asinhOneOverA;
    }

    /**
     * The preview's byte of each value of one channel, {@code round(255 · stretch(v))}, without a
     * logarithm and a square root per pixel: that byte never decreases as v grows (every step of
     * the stretch keeps the order: differences, quotients by positive numbers, the clamp, the
     * square root, rounding, and {@code Math.log}, whose contract says semi-monotonic), so the
     * smallest float at which it reaches each of 1 … 255, found once by bisection on the stretch
     * itself, decide every byte. A table over the window guesses the byte and the thresholds
     * around the guess correct it (the guess only saves steps: any guess gives the same byte).
     * The same bytes as the formula: 25 ms for the bytes of 1.8 M pixels and 10 ms for the table
     * against 60 ms, cold (a third of a small job's preview was the formula).
     */
    static final class StretchBytes {
        private static final int CELLS = 4096;
        private final double lo, hi, a, norm, scale;
        /** t[b]: the smallest float whose byte is at least b (b ≥ 1; +∞ where none is); t[0] unused. */
        private final float[] t = new float[256];
        /** The byte at the middle of each of CELLS cells of the window: the first guess. */
        private final byte[] guess = new byte[CELLS];

        StretchBytes(double lo, double hi, double a) {
            this.lo = lo;
            this.hi = hi;
            this.a = a;
            this.norm = asinh(1.0 / a);
            int min = key(-Float.MAX_VALUE), max = key(Float.MAX_VALUE);
            for (int b = 1; b < 256; b++) {
                if (formula(Float.MAX_VALUE) < b) { // no finite value reaches b, nor any above it
                    java.util.Arrays.fill(t, b, 256, Float.POSITIVE_INFINITY);
                    break;
                }
                int l = b == 1 ? min : key(t[b - 1]), h = max; // formula(from(h)) ≥ b
                while (l < h) {
                    int m = (int) (((long) l + h) >> 1);
                    if (formula(from(m)) >= b) h = m;
                    else l = m + 1;
                }
                t[b] = from(l);
            }
            scale = hi > lo && Double.isFinite(hi - lo) ? CELLS / (hi - lo) : 0;
            for (int k = 0; k < CELLS && scale > 0; k++) guess[k] = (byte) formula((float) (lo + (k + 0.5) / scale));
        }

        /** The byte of v (not NaN). */
        int of(float v) {
            if (!Float.isFinite(v)) return formula(v);
            int k = (int) ((v - lo) * scale); // a huge quotient saturates; NaN (no window) gives 0
            int g = guess[k < 0 ? 0 : k >= CELLS ? CELLS - 1 : k] & 0xff;
            while (g < 255 && v >= t[g + 1]) g++;
            while (g > 0 && v < t[g]) g--;
            return g;
        }

        /** The smallest float whose byte is at least b (1 ≤ b ≤ 255; +∞ where none is). */
        float threshold(int b) {
            return t[b];
        }

        int formula(float v) {
            return (int) Math.round(255.0 * stretch(v, lo, hi, a, norm));
        }

        /** Floats in order as ints: −0.0 just below +0.0, every negative float below. */
        private static int key(float f) {
            int bits = Float.floatToRawIntBits(f);
            return bits >= 0 ? bits : bits ^ 0x7fffffff;
        }

        private static float from(int key) {
            return Float.intBitsToFloat(key >= 0 ? key : key ^ 0x7fffffff);
        }
    }

    static double asinh(double x) {
        return Math.log(x + Math.sqrt(x * x + 1));
    }

    /** Percentiles pLow and pHigh of the finite values (NaN when none is finite). */
    static float[] percentiles(float[] values, double pLow, double pHigh) {
        double[] r = Percentiles.percentiles(values, pLow, pHigh);
        return new float[] {(float) r[0], (float) r[1]};
    }

    record Downsampled(int width, int height, float[][] planes, float[] coverage) {}

    /** Block means of f×f pixels over the finite values, read in bands of whole blocks. */
    static Downsampled downsample(RowSource image, RowSource coverage, int f) throws IOException {
        return downsample(image, coverage, f, false);
    }

    /** As above; {@code alwaysBlocks}: through the block means even where f = 1 (to test the copy against). */
    static Downsampled downsample(RowSource image, RowSource coverage, int f, boolean alwaysBlocks) throws IOException {
        int w = image.width(), h = image.height(), nc = image.channels();
        int ow = (w + f - 1) / f, oh = (h + f - 1) / f;
        float[][] planes = new float[nc][ow * oh];
        float[] cov = coverage == null ? null : new float[ow * oh];
        long perRow = (long) w * (nc + (coverage == null ? 0 : coverage.channels()));
        int blocksPerBand = (int) Math.max(1, (4L << 20) / (perRow * f));
        int bandRows = Math.min(h, blocksPerBand * f);
        float[][] band = image.newBand(bandRows);
        float[][] cband = coverage == null ? null : coverage.newBand(bandRows);
        double[] sum = new double[ow];
        int[] cnt = new int[ow];
        for (int y0 = 0; y0 < h; y0 += bandRows) {
            int rows = Math.min(bandRows, h - y0);
            image.readRows(y0, rows, band);
            if (cband != null) coverage.readRows(y0, rows, cband);
            if (f == 1 && !alwaysBlocks) { // blocks of one pixel: the mean is the value itself
                copyBand(band, cband, planes, cov, y0 * w, rows * w);
                continue;
            }
            for (int by = 0; by < rows; by += f) {
                int oy = (y0 + by) / f, rb = Math.min(f, rows - by);
                for (int c = 0; c <= nc; c++) {
                    float[] src = c < nc ? band[c] : cband == null ? null : cband[0];
                    if (src == null) continue;
                    Arrays.fill(sum, 0);
                    Arrays.fill(cnt, 0);
                    for (int r = 0; r < rb; r++) {
                        int row = (by + r) * w;
                        for (int x = 0; x < w; x++) {
                            float v = src[row + x];
                            if (v == v) {
                                sum[x / f] += v;
                                cnt[x / f]++;
                            }
                        }
                    }
                    float[] dst = c < nc ? planes[c] : cov;
                    for (int ox = 0; ox < ow; ox++)
                        dst[oy * ow + ox] = cnt[ox] > 0 ? (float) (sum[ox] / cnt[ox]) : Float.NaN;
                }
            }
        }
        return new Downsampled(ow, oh, planes, cov);
    }

    /**
     * {@link #downsample} with f = 1: each block's mean, (float) (0.0 + v) / 1, is v itself, but
     * −0 becomes +0 as there (v + 0f does the same); NaN stays NaN (no finite value).
     */
    private static void copyBand(float[][] band, float[][] cband, float[][] planes, float[] cov, int at, int n) {
        for (int c = 0; c <= planes.length; c++) {
            float[] src = c < planes.length ? band[c] : cband == null ? null : cband[0];
            if (src == null) continue;
            float[] dst = c < planes.length ? planes[c] : cov;
            for (int i = 0; i < n; i++) dst[at + i] = src[i] + 0f;
        }
    }

    /**
     * The PNG's rows: grey or red, green, blue, then alpha, interleaved; flipped, since FITS row 0
     * is the bottom of the picture.
     */
    private static PngWriter.Rows rows(int w, int h, byte[][] planes, byte[] alpha) {
        int nc = planes.length;
        return (y, dst) -> {
            int src = (h - 1 - y) * w, k = 0;
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < nc; c++) dst[k++] = planes[c][src + x];
                dst[k++] = alpha[src + x];
            }
        };
    }
}
