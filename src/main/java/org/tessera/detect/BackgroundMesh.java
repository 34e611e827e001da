package org.tessera.detect;

import java.util.Arrays;

import org.tessera.math.Percentiles;

/**
 * Background and noise maps of a plane, as SExtractor / photutils build them: the image is cut into
 * square cells; in each cell the median and the noise (1.4826 × MAD) are taken after 3σ clipping
 * (twice), so stars and their wings barely move them; the coarse maps are smoothed by a 3×3 median
 * (a cell sitting on a galaxy core is replaced by its neighbours) and interpolated bilinearly
 * between cell centres. Cells with too few finite pixels borrow from their neighbours.
 */
public final class BackgroundMesh {

    private final int width, height, cell, nx, ny;
    private final float[] bg, noise;

    private BackgroundMesh(int width, int height, int cell, int nx, int ny, float[] bg, float[] noise) {
        this.width = width;
        this.height = height;
        this.cell = cell;
        this.nx = nx;
        this.ny = ny;
        this.bg = bg;
        this.noise = noise;
    }

    /** Measures the maps of a row-major plane (NaN = no data) with cells of {@code cell} pixels, every pixel. */
    public static BackgroundMesh measure(float[] plane, int width, int height, int cell) {
        return measure(plane, width, height, cell, false);
    }

    /**
     * As {@link #measure(float[], int, int, int)}; with {@code quarter}, each cell's median and noise
     * come from a quarter of its pixels: the 2×2 blocks whose block column and block row are both
     * even (blocks at x, y ≡ 0, 1 mod 4). A block holds each phase of a 2×2 colour filter once, so
     * a demosaiced frame's four kinds of pixels (own value or interpolated, which differ in noise)
     * keep their shares and the expected median and noise stay those of the whole cell; only their
     * scatter grows (≈ 1024 values per 64-pixel cell instead of 4096), and the 3×3 median of the
     * coarse maps smooths it again. A quarter of the selections: registration's mesh cost.
     */
    public static BackgroundMesh measure(float[] plane, int width, int height, int cell, boolean quarter) {
        cell = Math.max(8, Math.min(cell, Math.max(width, height)));
        int nx = Math.max(1, (width + cell / 2) / cell), ny = Math.max(1, (height + cell / 2) / cell);
        float[] bg = new float[nx * ny], ns = new float[nx * ny];
        float[] vals = new float[(width / nx + 1) * (height / ny + 1)], dev = new float[vals.length];
        for (int j = 0; j < ny; j++) {
            int y0 = j * height / ny, y1 = (j + 1) * height / ny;
            for (int i = 0; i < nx; i++) {
                int x0 = i * width / nx, x1 = (i + 1) * width / nx;
                int n = 0, area = 0;
                for (int y = y0; y < y1; y++) {
                    if (quarter && (y & 2) != 0) continue;
                    int o = y * width;
                    for (int x = x0; x < x1; x++) {
                        if (quarter && (x & 2) != 0) continue;
                        area++;
                        float v = plane[o + x];
                        if (Float.isFinite(v)) vals[n++] = v;
                    }
                }
                int k = j * nx + i;
                if (n < Math.max(quarter ? 4 : 16, area / 4)) {
                    bg[k] = ns[k] = Float.NaN;
                    continue;
                }
                double[] mn = clippedMedianNoise(vals, n, dev);
                bg[k] = (float) mn[0];
                ns[k] = (float) mn[1];
            }
        }
        fillMissing(bg, nx, ny);
        fillMissing(ns, nx, ny);
        return new BackgroundMesh(width, height, cell, nx, ny, median3(bg, nx, ny), median3(ns, nx, ny));
    }

    /**
     * Median and 1.4826·MAD of v[0..n) after two 3σ clipping rounds; reorders v. The medians are
     * found by selection (the same values a sort gives, at a fraction of its cost: this runs on
     * every cell of every frame that star detection sees).
     */
    static double[] clippedMedianNoise(float[] v, int n) {
        return clippedMedianNoise(v, n, new float[n]);
    }

    /** As {@link #clippedMedianNoise(float[], int)}, with {@code dev} (at least n long) as scratch. */
    private static double[] clippedMedianNoise(float[] v, int n, float[] dev) {
        double med = 0, sig = 0;
        for (int it = 0; it < 3; it++) {
            med = Percentiles.medianInPlace(v, n);
            for (int i = 0; i < n; i++) dev[i] = (float) Math.abs(v[i] - med);
            sig = 1.4826 * Percentiles.medianInPlace(dev, n);
            if (it == 2 || !(sig > 0)) break;
            int m = 0;
            for (int i = 0; i < n; i++) if (Math.abs(v[i] - med) <= 3 * sig) v[m++] = v[i];
            if (m == n || m < 8) break;
            n = m;
        }
        return new double[] {med, sig};
    }

    private static double median(float[] sorted, int n) {
        return (n & 1) == 1 ? sorted[n / 2] : 0.5 * ((double) sorted[n / 2 - 1] + sorted[n / 2]);
    }

    /** Missing cells take the mean of their finite neighbours, growing outwards; all NaN → 0. */
    private static void fillMissing(float[] m, int nx, int ny) {
        boolean any = false;
        for (float v : m) any |= Float.isFinite(v);
        if (!any) {
            Arrays.fill(m, 0f);
            return;
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            float[] next = m.clone();
            for (int j = 0; j < ny; j++)
                for (int i = 0; i < nx; i++) {
                    if (Float.isFinite(m[j * nx + i])) continue;
                    double s = 0;
                    int c = 0;
                    for (int b = Math.max(0, j - 1); b <= Math.min(ny - 1, j + 1); b++)
                        for (int a = Math.max(0, i - 1); a <= Math.min(nx - 1, i + 1); a++) {
                            float v = m[b * nx + a];
                            if (Float.isFinite(v)) { s += v; c++; }
                        }
                    if (c > 0) { next[j * nx + i] = (float) (s / c); changed = true; }
                }
            System.arraycopy(next, 0, m, 0, m.length);
        }
    }

    private static float[] median3(float[] m, int nx, int ny) {
        float[] out = new float[m.length];
        float[] w = new float[9];
        for (int j = 0; j < ny; j++)
            for (int i = 0; i < nx; i++) {
                int c = 0;
                for (int b = Math.max(0, j - 1); b <= Math.min(ny - 1, j + 1); b++)
                    for (int a = Math.max(0, i - 1); a <= Math.min(nx - 1, i + 1); a++) w[c++] = m[b * nx + a];
                Arrays.sort(w, 0, c);
                out[j * nx + i] = (float) median(w, c);
            }
        return out;
    }

    public int width() { return width; }
    public int height() { return height; }
    public int cellSize() { return cell; }

    /** Background at pixel (x, y), bilinear between cell centres. */
    public double background(int x, int y) { return interpolate(bg, x, y); }

    /** Noise (σ) at pixel (x, y), bilinear between cell centres. */
    public double noise(int x, int y) { return interpolate(noise, x, y); }

    /** The full-resolution background map (row-major). */
    public float[] backgroundMap() { return map(false); }

    /** The full-resolution noise map (row-major). */
    public float[] noiseMap() { return map(true); }

    /**
     * The maps without holding them whole (two 8 MB planes per Seestar frame, of which star
     * detection needs one threshold test per pixel and a few pixels around each star): the test
     * of a row against background + k·noise, and single pixels of {@link #backgroundMap} and
     * {@link #noiseMap}, the same values. One per thread: it keeps the current pair of mesh rows.
     */
    public final class Rows {
        private final int[] i0s = new int[width], i1s = new int[width];
        private final double[] txs = new double[width];
        private final double[] bgA = new double[width], bgB = new double[width], nsA = new double[width], nsB = new double[width];
        private int lastJ0 = -1, lastJ1 = -1;

        private Rows() {
            for (int x = 0; x < width; x++) {
                double fx = Math.max(0, Math.min(nx - 1, (x + 0.5) * nx / (double) width - 0.5));
                i0s[x] = Math.min((int) fx, nx - 1);
                i1s[x] = Math.min(i0s[x] + 1, nx - 1);
                txs[x] = fx - i0s[x];
            }
        }

        /**
         * Marks row y of {@code plane}: {@code out[i] = mark} where the pixel lies above
         * background + k·noise of the maps (noise &gt; 0), else 0: the test the whole maps give,
         * decided for most pixels without interpolating. Between two mesh rows a map's value at
         * a column lies between its two column values, so below the lowest threshold that those
         * allow (less a margin for rounding) a pixel cannot be above; only the others take the
         * exact threshold.
         */
        public void markAbove(float[] plane, int y, double k, byte[] out, byte mark) {
            double ty = meshRows(y);
            if (lowK != k) lowerBounds(k);
            int o = y * width;
            for (int x = 0; x < width; x++) {
                float v = plane[o + x];
                if (!(v > low[x])) { // NaN too
                    out[o + x] = 0;
                    continue;
                }
                double a = bgA[x], c = nsA[x];
                float bgv = (float) (a + ty * (bgB[x] - a)), nsv = (float) (c + ty * (nsB[x] - c));
                out[o + x] = v > bgv + k * nsv && nsv > 0 ? mark : 0;
            }
        }

        /** The mesh rows of image row y made current (their column terms; markAbove's bounds reset); its ty. */
        private double meshRows(int y) {
            double fy = rowPosition(y);
            int j0 = Math.min((int) fy, ny - 1), j1 = Math.min(j0 + 1, ny - 1);
            if (j0 != lastJ0 || j1 != lastJ1) {
                columns(bg, j0, j1, bgA, bgB);
                columns(noise, j0, j1, nsA, nsB);
                lastJ0 = j0;
                lastJ1 = j1;
                lowK = Double.NaN;
            }
            return fy - j0;
        }

        private final double[] low = new double[width];
        private double lowK = Double.NaN;

        /**
         * Lower bounds of background + k·noise in each column between the current mesh rows: the
         * smaller of the two column values of each map (a linear interpolation stays between its
         * ends), less a margin far above the rounding of the interpolation and of its float value.
         */
        private void lowerBounds(double k) {
            for (int x = 0; x < width; x++) {
                double b = Math.min(bgA[x], bgB[x]), n = Math.min(nsA[x], nsB[x]);
                double t = b + k * n;
                low[x] = t - 1e-5 * (Math.abs(b) + Math.abs(k * n)) - 1e-30;
            }
            lowK = k;
        }

        /** The background map's value at (x, y). */
        public float background(int x, int y) { return at(bg, x, y); }

        /** The noise map's value at (x, y). */
        public float noise(int x, int y) { return at(noise, x, y); }

        private int atY = -1, atR0, atR1;
        private double atTy;

        private float at(float[] m, int x, int y) {
            if (y != atY) { // measurements walk windows row by row
                double fy = rowPosition(y);
                int j0 = Math.min((int) fy, ny - 1), j1 = Math.min(j0 + 1, ny - 1);
                atTy = fy - j0;
                atR0 = j0 * nx;
                atR1 = j1 * nx;
                atY = y;
            }
            double ty = atTy, tx = txs[x];
            int i0 = i0s[x], i1 = i1s[x], r0 = atR0, r1 = atR1;
            double a = m[r0 + i0] + tx * (m[r0 + i1] - m[r0 + i0]);
            double b = m[r1 + i0] + tx * (m[r1 + i1] - m[r1 + i0]);
            return (float) (a + ty * (b - a));
        }

        private void columns(float[] m, int j0, int j1, double[] as, double[] bs) {
            int r0 = j0 * nx, r1 = j1 * nx;
            for (int x = 0; x < width; x++) {
                int i0 = i0s[x], i1 = i1s[x];
                double tx = txs[x];
                as[x] = m[r0 + i0] + tx * (m[r0 + i1] - m[r0 + i0]);
                bs[x] = m[r1 + i0] + tx * (m[r1 + i1] - m[r1 + i0]);
            }
        }
    }

    /** A reader of the maps row by row (not thread-safe: one per thread). */
    public Rows rows() { return new Rows(); }

    private double rowPosition(int y) {
        return Math.max(0, Math.min(ny - 1, (y + 0.5) * ny / (double) height - 0.5));
    }

    /**
     * {@link #interpolate} at every pixel, its column and row terms computed once per column and
     * row, and the two column interpolations (rows j0 and j1 of the mesh) once per pair of mesh rows
     * ({@link Rows}): the same operations in the same order, so the same values.
     */
    private float[] map(boolean ofNoise) {
        float[] out = new float[width * height];
        Rows r = new Rows();
        for (int y = 0; y < height; y++) {
            double ty = r.meshRows(y);
            double[] as = ofNoise ? r.nsA : r.bgA, bs = ofNoise ? r.nsB : r.bgB;
            int o = y * width;
            for (int x = 0; x < width; x++) {
                double a = as[x];
                out[o + x] = (float) (a + ty * (bs[x] - a));
            }
        }
        return out;
    }

    private double interpolate(float[] m, int x, int y) {
        // cell i covers [i·W/nx, (i+1)·W/nx); its centre in continuous coordinates
        double fx = (x + 0.5) * nx / (double) width - 0.5, fy = (y + 0.5) * ny / (double) height - 0.5;
        fx = Math.max(0, Math.min(nx - 1, fx));
        fy = Math.max(0, Math.min(ny - 1, fy));
        int i0 = Math.min((int) fx, nx - 1), j0 = Math.min((int) fy, ny - 1);
        int i1 = Math.min(i0 + 1, nx - 1), j1 = Math.min(j0 + 1, ny - 1);
        double tx = fx - i0, ty = fy - j0;
        double a = m[j0 * nx + i0] + tx * (m[j0 * nx + i1] - m[j0 * nx + i0]);
        double b = m[j1 * nx + i0] + tx * (m[j1 * nx + i1] - m[j1 * nx + i0]);
        return a + ty * (b - a);
    }
}
