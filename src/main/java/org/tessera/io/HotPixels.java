package org.tessera.io;

/**
 * Hot-pixel correction of Phase 1, as the original: per channel, over a 5×5 neighbourhood, the
 * median M, the mean and the standard deviation (population, floored at 1e-5); a pixel above
 * M + 3·std is replaced by M. Missing (NaN) pixels are left as they are and ignored in the
 * statistics; at the image border the neighbourhood is mirrored without repeating the edge pixel
 * (OpenCV's default border, {@code BORDER_REFLECT_101}).
 * <p>
 * It works on a band of rows with {@value #CONTEXT} rows of context on each side (where the image
 * has them), so frames stay streamed. Only pixels above mean + 1.9·std can pass the test (the
 * median lies within one std of the mean), so the median is computed for a few percent of the
 * pixels only; the result is identical to computing it everywhere. Deterministic.
 * <p>
 * Like the original's, the filter also flattens the peak of a badly undersampled star (FWHM below
 * about 2.5 px), whose core pixel stands out of its 5×5 neighbourhood as much as a hot pixel.
 */
public final class HotPixels {
    private HotPixels() {}

    /** Rows of context needed on each side of a band. */
    public static final int CONTEXT = 2;
    static final double KAPPA = 3.0;
    static final double STD_FLOOR = 1e-5;

    /**
     * Corrects rows {@code [y0, y0 + rows)} of one channel into {@code dst[0 .. rows·width)}.
     *
     * @param src    rows {@code [srcY0, srcY0 + srcRows)} of the channel (row-major, width wide); must
     *               include {@value #CONTEXT} rows above and below the band where the image has them
     * @param height the full image height (for the border mirror)
     * @return the number of pixels replaced
     */
    public static int correct(float[] src, int width, int height, int srcY0, int srcRows, int y0, int rows, float[] dst) {
        if (srcY0 > Math.max(0, y0 - CONTEXT) || srcY0 + srcRows < Math.min(height, y0 + rows + CONTEXT))
            throw new IllegalArgumentException("rows [" + srcY0 + ", " + (srcY0 + srcRows) + ") do not cover rows ["
                    + y0 + ", " + (y0 + rows) + ") with " + CONTEXT + " rows of context");
        int[] xs = new int[width + 2 * CONTEXT];
        for (int i = 0; i < xs.length; i++) xs[i] = mirror(i - CONTEXT, width);
        double[] cs = new double[width], cq = new double[width];
        int[] cn = new int[width];
        int[] rowOff = new int[2 * CONTEXT + 1];
        float[] win = new float[(2 * CONTEXT + 1) * (2 * CONTEXT + 1)];
        int replaced = 0;
        for (int y = y0; y < y0 + rows; y++) {
            for (int d = -CONTEXT; d <= CONTEXT; d++) rowOff[d + CONTEXT] = (mirror(y + d, height) - srcY0) * width;
            // column sums over the 5 rows
            for (int x = 0; x < width; x++) {
                double s = 0, q = 0;
                int n = 0;
                for (int off : rowOff) {
                    float v = src[off + x];
                    if (v == v) { s += v; q += (double) v * v; n++; }
                }
                cs[x] = s;
                cq[x] = q;
                cn[x] = n;
            }
            int out = (y - y0) * width, cur = (y - srcY0) * width;
            for (int x = 0; x < width; x++) {
                float v = src[cur + x];
                if (v != v) { dst[out + x] = v; continue; }
                double s = 0, q = 0;
                int n = 0;
                for (int d = 0; d <= 2 * CONTEXT; d++) {
                    int xx = xs[x + d];
                    s += cs[xx];
                    q += cq[xx];
                    n += cn[xx];
                }
                double mean = s / n, std = Math.max(Math.sqrt(Math.max(q / n - mean * mean, 0)), STD_FLOOR);
                if (!(v > mean + 1.9 * std)) { dst[out + x] = v; continue; }
                int m = 0;
                for (int off : rowOff)
                    for (int d = 0; d <= 2 * CONTEXT; d++) {
                        float u = src[off + xs[x + d]];
                        if (u == u) win[m++] = u;
                    }
                double med = median(win, m);
                if (v > med + KAPPA * std) {
                    dst[out + x] = (float) med;
                    replaced++;
                } else {
                    dst[out + x] = v;
                }
            }
        }
        return replaced;
    }

    /** Corrects a whole in-memory plane (width × height) in place; returns the number replaced. */
    public static int correctPlane(float[] plane, int width, int height) {
        float[] out = new float[plane.length];
        int n = correct(plane, width, height, 0, height, 0, height, out);
        System.arraycopy(out, 0, plane, 0, plane.length);
        return n;
    }

    /** Reflect-101 index: −1 → 1, n → n − 2; clamped for images narrower than 3 pixels. */
    static int mirror(int i, int n) {
        if (n == 1) return 0;
        while (i < 0 || i >= n) i = i < 0 ? -i : 2 * (n - 1) - i;
        return i;
    }

    /** Median of a[0..m) by insertion sort (m ≤ 25); mean of the two middle values for even m. */
    private static double median(float[] a, int m) {
        for (int i = 1; i < m; i++) {
            float v = a[i];
            int j = i - 1;
            while (j >= 0 && a[j] > v) { a[j + 1] = a[j]; j--; }
            a[j + 1] = v;
        }
        return (m & 1) == 1 ? a[m / 2] : 0.5 * ((double) a[m / 2 - 1] + a[m / 2]);
    }
}
