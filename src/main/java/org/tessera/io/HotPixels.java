package org.tessera.io;

import org.tessera.math.Percentiles;

/**
 * Hot-pixel correction of Phase 1: the original's test, plus a guard that spares stars.
 * <p>
 * <b>Test (the original's).</b> Over a 5×5 neighbourhood of same-colour pixels, the median M, the
 * mean and the standard deviation (population, floored at 1e-5); a pixel above M + 3·std is a
 * candidate and is replaced by M. Missing (NaN) pixels are left as they are and ignored in the
 * statistics; at the image border the neighbourhood is mirrored without repeating the edge pixel
 * (OpenCV's default border, {@code BORDER_REFLECT_101}).
 * <p>
 * <b>Where.</b> A hot pixel is one defective photosite. A Bayer frame is corrected on its raw CFA
 * plane before demosaicing ({@code step} 2: the 5×5 neighbourhood is that of the photosite's own
 * colour, every second pixel), so the defect disappears before the interpolation spreads it into
 * its neighbours; mono frames and colour cubes are corrected per channel ({@code step} 1). The
 * original corrects each channel after demosaicing, which replaces the defect's own pixel but
 * leaves the interpolated halves and quarters around it (three times its excess).
 * <p>
 * <b>Guard (Tessera's).</b> A candidate is replaced only if its excess over M exceeds
 * {@value #SIGNIFICANCE} robust noise sigmas of its neighbourhood (1.4826·MAD: the noise tail is not a
 * defect) and it is an isolated spike: its four direct neighbours (any colour) rise on average less
 * than {@value #SPIKE} of its excess above the medians of their own same-colour neighbourhoods. A hot
 * photosite leaves its neighbours at sky level; the core of a star, however undersampled, lifts them
 * with it. Without the guard the original's test clips star cores: on raw Seestar M 94 frames it
 * changes 37 of 46 and 78 of 80 stars by more than 0.5% (up to 40% and 80%), with it none changes;
 * see docs/io.md for the measurements.
 * <p>
 * It works on a band of rows with {@link #context(int)} rows of context on each side (where the image
 * has them), so frames stay streamed. Only pixels above mean + 1.9·std can pass the test (the
 * median lies within one std of the mean), so medians are computed for a few percent of the pixels
 * only; the result is identical to computing them everywhere. Cheaper still, with the same result:
 * for integer data (decoded 8/16-bit frames) the window sums slide and a pixel is first tested
 * without division or square root ({@link #PRE2}); most candidates are then dismissed by counting
 * the window's values against v − 3·std instead of finding its median ({@link #aboveMedian}).
 * Deterministic.
 */
public final class HotPixels {
    private HotPixels() {}

    static final double KAPPA = 3.0;
    static final double STD_FLOOR = 1e-5;
    /** Largest neighbour excess, as a fraction of the candidate's excess, of an isolated spike. */
    static final double SPIKE = 0.15;
    /** Least excess over M of a defect, in robust noise sigmas of its neighbourhood (1.4826·MAD). */
    static final double SIGNIFICANCE = 6;

    /**
     * Rows of context needed on each side of a band: the 5×5 same-colour window of the band's rows
     * (2·step) and of their direct neighbours (one more row).
     */
    public static int context(int step) { return 2 * step + 1; }

    /** {@link #correct(float[], int, int, int, int, int, int, float[], int)} of one channel (step 1). */
    public static int correct(float[] src, int width, int height, int srcY0, int srcRows, int y0, int rows, float[] dst) {
        return correct(src, width, height, srcY0, srcRows, y0, rows, dst, 1);
    }

    /**
     * Corrects rows {@code [y0, y0 + rows)} of one plane into {@code dst[0 .. rows·width)}.
     *
     * @param src    rows {@code [srcY0, srcY0 + srcRows)} of the plane (row-major, width wide); must
     *               include {@link #context(int)} rows above and below the band where the image has them
     * @param height the full image height (for the border mirror)
     * @param step   1 for a channel, 2 for a raw 2×2 CFA plane (same-colour neighbourhoods)
     * @return the number of pixels replaced
     */
    public static int correct(float[] src, int width, int height, int srcY0, int srcRows, int y0, int rows, float[] dst,
                              int step) {
        return correct(src, width, height, srcY0, srcRows, y0, rows, dst, step, SPIKE);
    }

    /** With the guard's fraction given: {@code Double.POSITIVE_INFINITY} is the original's test alone (tests). */
    static int correct(float[] src, int width, int height, int srcY0, int srcRows, int y0, int rows, float[] dst,
                       int step, double spike) {
        checkCover(width, height, srcY0, srcRows, y0, rows, step);
        return correct(src, width, height, srcY0, srcRows, y0, rows, dst, step, spike,
                smallIntegers(src, 0, srcRows * width));
    }

    /**
     * {@link #correct(float[], int, int, int, int, int, int, float[], int)} for a caller that knows
     * whether every finite value of {@code src} is an integer of magnitude at most 2²⁰ (a decoded
     * 8- or 16-bit frame, {@code PixelCodec.smallIntegers}); {@code integral} false is always safe.
     */
    static int correct(float[] src, int width, int height, int srcY0, int srcRows, int y0, int rows, float[] dst,
                       int step, boolean integral) {
        checkCover(width, height, srcY0, srcRows, y0, rows, step);
        return correct(src, width, height, srcY0, srcRows, y0, rows, dst, step, SPIKE, integral);
    }

    /** With both given; {@code integral} false takes the direct sums at every pixel (tests compare the two). */
    static int correct(float[] src, int width, int height, int srcY0, int srcRows, int y0, int rows,
                       float[] dst, int step, double spike, boolean integral) {
        System.arraycopy(src, (y0 - srcY0) * width, dst, 0, rows * width);
        return scan(src, width, height, srcY0, y0, rows, step, spike, integral,
                (y, x, v) -> dst[(y - y0) * width + x] = v);
    }

    /** Receives each replacement of a scan: pixel (x, y) of the image becomes {@code value}. */
    interface Fix {
        void at(int y, int x, float value);
    }

    /**
     * The replacements of rows {@code [y0, y0 + rows)}, in row-major order, without writing the
     * band: what {@link #correct} would change ({@link HotPixelMemo} keeps only these).
     *
     * @param integral whether every finite value of {@code src} is an integer of magnitude at most
     *                 2²⁰ ({@link #smallIntegers}); false is always safe
     * @return the number of pixels replaced
     */
    static int find(float[] src, int width, int height, int srcY0, int srcRows, int y0, int rows, int step,
                    boolean integral, Fix fix) {
        checkCover(width, height, srcY0, srcRows, y0, rows, step);
        return scan(src, width, height, srcY0, y0, rows, step, SPIKE, integral, fix);
    }

    private static void checkCover(int width, int height, int srcY0, int srcRows, int y0, int rows, int step) {
        if (step != 1 && step != 2) throw new IllegalArgumentException("step " + step + " is neither 1 nor 2");
        int ctx = context(step);
        if (srcY0 > Math.max(0, y0 - ctx) || srcY0 + srcRows < Math.min(height, y0 + rows + ctx))
            throw new IllegalArgumentException("rows [" + srcY0 + ", " + (srcY0 + srcRows) + ") do not cover rows ["
                    + y0 + ", " + (y0 + rows) + ") with " + ctx + " rows of context");
    }

    /** Largest magnitude of the values {@link #smallIntegers} accepts: sums of 25 squares stay exact. */
    static final float SMALL_INTEGER = 0x1p20f;

    /**
     * Whether every finite value of {@code a[from, to)} is an integer of magnitude at most
     * {@link #SMALL_INTEGER}: then the window sums (at most 25 values, 25 squares) are exact in
     * double precision in any order, which lets {@link #scan} slide them.
     */
    static boolean smallIntegers(float[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            float v = a[i];
            if (!(v != v || Math.abs(v) <= SMALL_INTEGER && (int) v == v)) return false;
        }
        return true;
    }

    /**
     * (1.8)²: the prefilter of integral data keeps a pixel when (n·v − s)² &gt; this × (n·q − s²),
     * i.e. v &gt; mean + 1.8·std, computed exactly. The test proper needs v &gt; M + 3·std ≥ mean + 2·std
     * (|M − mean| ≤ std), and the kept pixels then go through the same mean + 1.9·std test as the
     * others: the margin 1.8 against 1.9 covers any rounding by orders of magnitude.
     */
    private static final double PRE2 = 1.8 * 1.8;

    /**
     * The test over rows {@code [y0, y0 + rows)}. With {@code integral} data the column and window
     * sums slide (down the rows of a colour, along the columns of a colour) instead of being summed
     * again at each pixel, and a pixel is first tested without division or square root: the sums
     * are exact integers either way, and every pixel the full test could replace passes the
     * prefilter, so the replacements are the very ones of the direct sums (HotPixelsTest).
     */
    private static int scan(float[] src, int width, int height, int srcY0, int y0, int rows, int step, double spike,
                            boolean integral, Fix fix) {
        int r = 2 * step, pw = width + 2 * r;
        // column sums at x + r, with the mirrored columns beyond both edges: the window sums below
        // index them directly (the same values in the same order as through the mirror); one set
        // per row parity of the colour (step), slid down by step rows when integral
        // (2·step zeros past the mirrored columns: the CFA prefilter's slide reads them once past its last pixel)
        double[][] cs = new double[step][pw + 2 * step], cq = new double[step][pw + 2 * step];
        int[][] cn = new int[step][pw];
        int[] last = new int[step];
        // per parity: whether every column count is 5 (no NaN in the five rows): the window count is then 25
        boolean[] full = new boolean[step];
        java.util.Arrays.fill(last, Integer.MIN_VALUE);
        int[] cand = integral ? new int[width] : null;
        int[] rowOff = new int[5];
        float[] win = new float[25], dev = new float[25];
        byte[] rowState = integral ? new byte[Math.min(height, y0 + rows + context(step)) - srcY0] : null;
        int replaced = 0;
        for (int y = y0; y < y0 + rows; y++) {
            int p = y % step;
            double[] ps = cs[p], pq = cq[p];
            int[] pn = cn[p];
            if (integral && last[p] == y - step && y - 3 * step >= 0 && y + 2 * step < height) {
                // the rows of the colour y − 2·step … y + 2·step: the set of y − step without its
                // first row, with the next one (no mirror on either side)
                int out = (y - 3 * step - srcY0) * width, in = (y + 2 * step - srcY0) * width;
                if (finite(src, in, width, rowState, y + 2 * step - srcY0) && finite(src, out, width, rowState, y - 3 * step - srcY0)) {
                    for (int x = 0; x < width; x++) { // no NaN: a loop without selections (it vectorises)
                        double da = src[in + x], db = src[out + x];
                        ps[x + r] += da - db;
                        pq[x + r] += da * da - db * db;
                    }
                } else {
                    full[p] = false;
                    for (int x = 0; x < width; x++) {
                        float a = src[in + x], b = src[out + x];
                        double da = a == a ? a : 0, db = b == b ? b : 0;
                        ps[x + r] += da - db;
                        pq[x + r] += da * da - db * db;
                        pn[x + r] += (a == a ? 1 : 0) - (b == b ? 1 : 0);
                    }
                }
            } else {
                for (int d = -2; d <= 2; d++) rowOff[d + 2] = (mirror(y + d * step, height) - srcY0) * width;
                boolean five = true;
                for (int x = 0; x < width; x++) {
                    double s = 0, q = 0;
                    int n = 0;
                    for (int off : rowOff) {
                        float v = src[off + x];
                        if (v == v) { s += v; q += (double) v * v; n++; }
                    }
                    ps[x + r] = s;
                    pq[x + r] = q;
                    pn[x + r] = n;
                    five &= n == 5;
                }
                full[p] = five;
            }
            last[p] = y;
            for (int i = 0; i < r; i++) {
                int a = mirror(i - r, width) + r, b = mirror(width + i, width) + r;
                ps[i] = ps[a];
                pq[i] = pq[a];
                pn[i] = pn[a];
                ps[width + r + i] = ps[b];
                pq[width + r + i] = pq[b];
                pn[width + r + i] = pn[b];
            }
            int cur = (y - srcY0) * width;
            int nc = !integral ? width : full[p] ? (step == 2 ? prefilter25Cfa(src, cur, width, ps, pq, cand)
                    : prefilter25(src, cur, width, step, ps, pq, cand))
                    : prefilter(src, cur, width, step, ps, pq, pn, cand);
            for (int k = 0; k < nc; k++) {
                int x = integral ? cand[k] : k;
                float v = src[cur + x];
                double s, q;
                int n;
                if (integral) { // the prefilter's sums, again for the few candidates
                    s = ps[x] + ps[x + step] + ps[x + 2 * step] + ps[x + 3 * step] + ps[x + 4 * step];
                    q = pq[x] + pq[x + step] + pq[x + 2 * step] + pq[x + 3 * step] + pq[x + 4 * step];
                    n = pn[x] + pn[x + step] + pn[x + 2 * step] + pn[x + 3 * step] + pn[x + 4 * step];
                } else {
                    if (v != v) continue;
                    s = 0; q = 0; n = 0;
                    for (int d = 0; d <= 4; d++) { // columns x − 2·step … x + 2·step
                        int xx = x + d * step;
                        s += ps[xx];
                        q += pq[xx];
                        n += pn[xx];
                    }
                }
                double mean = s / n, std = Math.max(Math.sqrt(Math.max(q / n - mean * mean, 0)), STD_FLOOR);
                if (!(v > mean + 1.9 * std)) continue;
                double k3 = KAPPA * std;
                int m = window(src, width, height, srcY0, x, y, step, win);
                if ((m & 1) == 1 && !aboveMedian(win, m, k3, v)) continue; // most candidates end here
                double med = median(win, m);
                if (!(v > med + k3)) continue;
                if (spike != Double.POSITIVE_INFINITY
                        && (!(v - med > SIGNIFICANCE * noise(win, m, med, dev))
                            || !isolated(src, width, height, srcY0, x, y, step, spike * (v - med), win))) continue;
                fix.at(y, x, (float) med);
                replaced++;
            }
        }
        return replaced;
    }

    /** Whether a[off, off + n), row {@code row} of the band, holds no NaN; known[row]: 0 not yet looked at, 1 yes, 2 no. */
    private static boolean finite(float[] a, int off, int n, byte[] known, int row) {
        if (known[row] == 0) {
            boolean ok = true;
            for (int i = off; i < off + n; i++) ok &= a[i] == a[i];
            known[row] = (byte) (ok ? 1 : 2);
        }
        return known[row] == 1;
    }

    /**
     * Integral data: the pixels of row {@code cur} that pass the prefilter {@link #PRE2} into cand;
     * returns how many. Each pixel's window sums (five column sums each, exact) stay in registers:
     * stored for every pixel and read back, they cost as much as the test (a candidate sums them
     * again). A loop of its own, without the rare work of a candidate, so that it compiles tight.
     */
    private static int prefilter(float[] src, int cur, int width, int step, double[] ps, double[] pq, int[] pn,
                                 int[] cand) {
        int s1 = step, s2 = 2 * step, s3 = 3 * step, s4 = 4 * step;
        int nc = 0;
        for (int x = 0; x < width; x++) {
            double s = ps[x] + ps[x + s1] + ps[x + s2] + ps[x + s3] + ps[x + s4];
            double q = pq[x] + pq[x + s1] + pq[x + s2] + pq[x + s3] + pq[x + s4];
            double n = pn[x] + pn[x + s1] + pn[x + s2] + pn[x + s3] + pn[x + s4];
            double e = n * src[cur + x] - s; // NaN v: e is NaN and fails
            // |z| > 1.8 first: rarely true, so the branch is well predicted (the sign alone is a coin toss)
            boolean keep = e * e > PRE2 * (n * q - s * s) & e > 0;
            cand[nc] = x;
            nc += keep ? 1 : 0;
        }
        return nc;
    }

    /** {@link #prefilter} where every window holds 25 values (no NaN in its rows): the same test with n = 25. */
    private static int prefilter25(float[] src, int cur, int width, int step, double[] ps, double[] pq, int[] cand) {
        int s1 = step, s2 = 2 * step, s3 = 3 * step, s4 = 4 * step;
        int nc = 0;
        for (int x = 0; x < width; x++) {
            double s = ps[x] + ps[x + s1] + ps[x + s2] + ps[x + s3] + ps[x + s4];
            double q = pq[x] + pq[x + s1] + pq[x + s2] + pq[x + s3] + pq[x + s4];
            double e = 25.0 * src[cur + x] - s;
            boolean keep = e * e > PRE2 * (25.0 * q - s * s) & e > 0;
            cand[nc] = x;
            nc += keep ? 1 : 0;
        }
        return nc;
    }

    /**
     * {@link #prefilter25} of a CFA plane (step 2): the window sums slide along the row, one chain
     * per column parity (x and x + 1 in one step of the loop, so the two chains' additions overlap):
     * each sum is an exact integer in any order, so the slid sums are the very values summed
     * directly, with 4 loads and additions per pixel instead of 10 (the loop was bound by its
     * floating-point work).
     */
    private static int prefilter25Cfa(float[] src, int cur, int width, double[] ps, double[] pq, int[] cand) {
        double sa = ps[0] + ps[2] + ps[4] + ps[6] + ps[8], qa = pq[0] + pq[2] + pq[4] + pq[6] + pq[8];
        double sb = ps[1] + ps[3] + ps[5] + ps[7] + ps[9], qb = pq[1] + pq[3] + pq[5] + pq[7] + pq[9];
        int nc = 0, x = 0;
        for (; x + 2 <= width; x += 2) {
            double ea = 25.0 * src[cur + x] - sa, eb = 25.0 * src[cur + x + 1] - sb;
            // e > 0 and e² > T in one comparison (T ≥ 0: 25·q − s² is an exact sum of squares)
            boolean ka = Math.copySign(ea * ea, ea) > PRE2 * (25.0 * qa - sa * sa);
            boolean kb = Math.copySign(eb * eb, eb) > PRE2 * (25.0 * qb - sb * sb);
            cand[nc] = x;
            nc += ka ? 1 : 0;
            cand[nc] = x + 1;
            nc += kb ? 1 : 0;
            sa += ps[x + 10] - ps[x]; // reads up to two zeros past the mirrored columns: never used
            qa += pq[x + 10] - pq[x];
            sb += ps[x + 11] - ps[x + 1];
            qb += pq[x + 11] - pq[x + 1];
        }
        if (x < width) { // an odd width's last pixel: its sums are sa, qa
            double ea = 25.0 * src[cur + x] - sa;
            cand[nc] = x;
            nc += ea * ea > PRE2 * (25.0 * qa - sa * sa) & ea > 0 ? 1 : 0;
        }
        return nc;
    }

    /** Corrects a whole in-memory plane (width × height) in place; returns the number replaced. */
    public static int correctPlane(float[] plane, int width, int height) { return correctPlane(plane, width, height, 1); }

    /** {@link #correctPlane(float[], int, int)} with the given step (2 for a raw CFA plane). */
    public static int correctPlane(float[] plane, int width, int height, int step) {
        float[] out = new float[plane.length];
        int n = correct(plane, width, height, 0, height, 0, height, out, step);
        System.arraycopy(out, 0, plane, 0, plane.length);
        return n;
    }

    /**
     * Whether the four direct neighbours rise on average less than {@code limit} above the medians of
     * their own same-colour neighbourhoods (the mean, not the largest: one noisy neighbour must not
     * spare a hot pixel).
     */
    private static boolean isolated(float[] src, int width, int height, int srcY0, int x, int y, int step, double limit,
                                    float[] win) {
        if (limit == Double.POSITIVE_INFINITY) return true;
        double sum = 0;
        int n = 0;
        for (int k = 0; k < 4; k++) {
            int nx = mirror(x + (k == 0 ? -1 : k == 1 ? 1 : 0), width), ny = mirror(y + (k == 2 ? -1 : k == 3 ? 1 : 0), height);
            float u = src[(ny - srcY0) * width + nx];
            if (u != u) continue;
            sum += u - median(src, width, height, srcY0, nx, ny, step, win);
            n++;
        }
        return n == 0 || sum < n * limit;
    }

    /** Median of the same-colour 5×5 neighbourhood of (x, y), NaNs left out (NaN if all are). */
    private static double median(float[] src, int width, int height, int srcY0, int x, int y, int step, float[] win) {
        int m = window(src, width, height, srcY0, x, y, step, win);
        return m == 0 ? Double.NaN : median(win, m);
    }

    /** The finite values of the same-colour 5×5 neighbourhood of (x, y) into win; returns how many. */
    private static int window(float[] src, int width, int height, int srcY0, int x, int y, int step, float[] win) {
        int m = 0, r = 2 * step;
        if (x >= r && x + r < width && y >= r && y + r < height) {
            // Inside: no mirror (the common case; same values in the same order).
            for (int dy = -2; dy <= 2; dy++) {
                int off = (y + dy * step - srcY0) * width + x - r;
                for (int k = 0; k <= 2 * r; k += step) {
                    float u = src[off + k];
                    if (u == u) win[m++] = u;
                }
            }
            return m;
        }
        for (int dy = -2; dy <= 2; dy++) {
            int off = (mirror(y + dy * step, height) - srcY0) * width;
            for (int dx = -2; dx <= 2; dx++) {
                float u = src[off + mirror(x + dx * step, width)];
                if (u == u) win[m++] = u;
            }
        }
        return m;
    }

    /**
     * Whether v &gt; M + k for the median M of a[0..m), m odd, without finding M: u ↦ u + k is
     * monotonic in floating point too, so M + k &lt; v exactly when more than half of the values u
     * have u + k &lt; v (M is the (m + 1)/2-th smallest). The same comparison, value by value, as
     * {@code v > median(a, m) + k}, branch-free; a median costs several times more (HotPixelsTest).
     */
    static boolean aboveMedian(float[] a, int m, double k, float v) {
        int below = 0;
        for (int i = 0; i < m; i++) below += a[i] + k < v ? 1 : 0;
        return below > m >>> 1;
    }

    /** Robust noise of a window: 1.4826 × the median absolute deviation from its median. */
    private static double noise(float[] win, int m, double med, float[] dev) {
        for (int i = 0; i < m; i++) dev[i] = (float) Math.abs(win[i] - med);
        return 1.4826 * median(dev, m);
    }

    /** Reflect-101 index: −1 → 1, n → n − 2; clamped for images narrower than 3 pixels. */
    static int mirror(int i, int n) {
        if (n == 1) return 0;
        while (i < 0 || i >= n) i = i < 0 ? -i : 2 * (n - 1) - i;
        return i;
    }

    /**
     * Median of a[0..m) (m ≤ 25), the mean of the two middle values for even m. A full window
     * (m = 25, the common case: every median of the test) goes through a sorting network pruned to
     * the comparators that rank 12 depends on ({@link #NET_I}: 113 min/max pairs, no branch to
     * mispredict) on a copy; otherwise, and when the network's median is zero (±0 compare equal, and
     * which of them a selection returns depends on the order), {@link #medianSelect}. The same value
     * either way (HotPixelsTest).
     */
    static double median(float[] a, int m) {
        if (m == 25) {
            float[] s = NET_SCRATCH.get();
            System.arraycopy(a, 0, s, 0, 25);
            int[] ci = NET_I, cj = NET_J;
            for (int k = 0; k < ci.length; k++) {
                int i = ci[k], j = cj[k];
                float x = s[i], y = s[j];
                s[i] = Math.min(x, y);
                s[j] = Math.max(x, y);
            }
            float med = s[12];
            if (med != 0) return med;
        }
        return medianSelect(a, m);
    }

    private static final ThreadLocal<float[]> NET_SCRATCH = ThreadLocal.withInitial(() -> new float[25]);
    /** The comparators (i, j), i &lt; j, of the median-of-25 network, in order. */
    private static final int[] NET_I, NET_J;

    static {
        // Batcher's odd-even merge sort network for 25 values, then, from the last comparator
        // back, only those that touch a position rank 12 depends on.
        int n = 25;
        java.util.List<int[]> all = new java.util.ArrayList<>();
        for (int p = 1; p < n; p <<= 1)
            for (int k = p; k >= 1; k >>= 1)
                for (int j = k % p; j + k < n; j += 2 * k)
                    for (int i = 0; i < Math.min(k, n - j - k); i++)
                        if ((i + j) / (2 * p) == (i + j + k) / (2 * p)) all.add(new int[] {i + j, i + j + k});
        boolean[] need = new boolean[n];
        need[n / 2] = true;
        java.util.ArrayDeque<int[]> kept = new java.util.ArrayDeque<>();
        for (int q = all.size() - 1; q >= 0; q--) {
            int[] c = all.get(q);
            if (need[c[0]] || need[c[1]]) {
                need[c[0]] = need[c[1]] = true;
                kept.addFirst(c);
            }
        }
        NET_I = new int[kept.size()];
        NET_J = new int[kept.size()];
        int q = 0;
        for (int[] c : kept) {
            NET_I[q] = c[0];
            NET_J[q++] = c[1];
        }
    }

    /**
     * Median of a[0..m) (m ≤ 25), the mean of the two middle values for even m; reorders a. By
     * selection (Hoare partition, then insertion on the last few): the values a sort would give.
     */
    static double medianSelect(float[] a, int m) {
        int h = m >>> 1, lo = 0, hi = m - 1;
        while (hi - lo > 6) {
            int mid = (lo + hi) >>> 1;
            float p = a[mid];
            if (a[lo] > p) { a[mid] = a[lo]; a[lo] = p; p = a[mid]; }
            if (a[hi] < a[lo]) { float t = a[hi]; a[hi] = a[lo]; a[lo] = t; }
            if (a[hi] < p) { a[mid] = a[hi]; a[hi] = p; p = a[mid]; }
            int i = lo, j = hi;
            while (i <= j) {
                while (a[i] < p) i++;
                while (a[j] > p) j--;
                if (i <= j) { float t = a[i]; a[i++] = a[j]; a[j--] = t; }
            }
            if (h <= j) hi = j;
            else if (h >= i) lo = i;
            else { lo = hi = h; break; } // j < h < i: a[h] equals the pivot and is in place
        }
        Percentiles.insertionSort(a, lo, hi + 1);
        if ((m & 1) == 1) return a[h];
        float below = a[0]; // a[0..h) holds the h smallest values: rank h − 1 is their maximum
        for (int i = 1; i < h; i++) if (a[i] > below) below = a[i];
        return 0.5 * ((double) below + a[h]);
    }
}
