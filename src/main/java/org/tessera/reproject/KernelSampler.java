package org.tessera.reproject;

import org.tessera.wcs.WcsMapping;

/**
 * Samples a {@link SourceStrip} at a row of source positions with one {@link Kernel}: the inner
 * loop of every reprojection (Phase 3 alignment, Phase 5 coadd, previews). For each position it
 * writes the interpolated weight W ({@code wOut}, 0 outside the footprint) and the channel values
 * ({@code vOut}). Positions are independent, so the result of a pixel never depends on its
 * neighbours in the row, the band it was computed in, or the thread.
 * <p>
 * Footprint: the position's nearest source pixel must be valid. Values: bilinear renormalises
 * over the valid taps (a hole or an edge never darkens its border); Lanczos-3 uses its 6×6 taps
 * when all are valid and bilinear otherwise. W is always interpolated bilinearly (nearest for the
 * nearest kernel): it is smooth by construction, and a Lanczos-interpolated weight could ring
 * negative.
 * <p>
 * {@link Kernel#EXACT} samples footprints, not positions: {@link #mapAndSample} maps the corners
 * of the target pixels and hands their quadrilaterals to {@link ExactOverlap}.
 */
public final class KernelSampler {
    private KernelSampler() {}

    /** Lanczos-3 weights tabulated at 1/1024 px, each row normalised to sum 1. */
    private static final int LZ_STEPS = 1024;
    private static final double[] LZ = new double[(LZ_STEPS + 1) * 6];

    static {
        for (int q = 0; q <= LZ_STEPS; q++) {
            double f = q / (double) LZ_STEPS, sum = 0;
            for (int k = 0; k < 6; k++) {
                double t = f + 2 - k; // distance from tap (floor - 2 + k)
                double v = lanczos3(t);
                LZ[q * 6 + k] = v;
                sum += v;
            }
            for (int k = 0; k < 6; k++) LZ[q * 6 + k] /= sum;
        }
    }

    /** Steps per pixel of {@link #lanczosTable()}. */
    public static final int LANCZOS_STEPS = LZ_STEPS;

    /**
     * A copy of the tabulated Lanczos-3 weights: row q (fraction q / {@value #LZ_STEPS}) holds the
     * six tap weights at [q·6, q·6 + 6). A GPU backend uploads it so both sides use the same numbers.
     */
    public static double[] lanczosTable() {
        return LZ.clone();
    }

    /** The Lanczos-3 kernel sinc(t)·sinc(t/3) on |t| &lt; 3. */
    static double lanczos3(double t) {
        double a = Math.abs(t);
        if (a < 1e-12) return 1;
        if (a >= 3) return 0;
        double p = Math.PI * a;
        return 3 * Math.sin(p) * Math.sin(p / 3) / (p * p);
    }

    /**
     * Samples n positions (sx[i], sy[i]) of s with an interpolating kernel ({@link Kernel#EXACT}
     * needs pixel corners: see {@link #mapAndSample}).
     *
     * @param wOut receives the interpolated weight, 0 where the position is outside the footprint
     * @param vOut receives the values of each channel (undefined where wOut is 0)
     */
    public static void sampleRow(Kernel k, SourceStrip s, double[] sx, double[] sy, int n, float[] wOut, float[][] vOut) {
        switch (k) {
            case NEAREST: nearestRow(s, sx, sy, n, wOut, vOut); break;
            case BILINEAR: bilinearRow(s, sx, sy, n, wOut, vOut); break;
            case LANCZOS3: lanczosRow(s, sx, sy, n, wOut, vOut); break;
            case EXACT: throw new IllegalArgumentException("the exact kernel samples pixel footprints: use mapAndSample");
            default: throw new AssertionError(k);
        }
    }

    /**
     * The mapping region kernel k needs for target pixels [x0, x1) × [y0, y1): their centres, or
     * for {@link Kernel#EXACT} their corners ({@link WcsMapping#cornerRegion}). Its
     * {@link WcsMapping.Region#sourceBounds} bound every position k maps.
     */
    public static WcsMapping.Region region(Kernel k, WcsMapping m, int x0, int y0, int x1, int y1) {
        return k.mapsCorners() ? m.cornerRegion(x0, y0, x1, y1) : m.region(x0, y0, x1, y1);
    }

    /** Position buffers for {@link #mapAndSample}, for rows of up to n target pixels. */
    public static final class Positions {
        final double[] x, y, x2, y2;
        private ExactOverlap.Scratch exact;

        public Positions(int n) {
            x = new double[n + 1];
            y = new double[n + 1];
            x2 = new double[n + 1];
            y2 = new double[n + 1];
        }

        ExactOverlap.Scratch exact() {
            if (exact == null) exact = new ExactOverlap.Scratch();
            return exact;
        }
    }

    /**
     * Maps target pixels [xa, xb) of row y through {@code region} (made by {@link #region} for
     * k) and samples s there: at the mapped centres, or over the mapped footprints for
     * {@link Kernel#EXACT}. Same outputs as {@link #sampleRow}.
     */
    public static void mapAndSample(Kernel k, WcsMapping.Region region, SourceStrip s, int y, int xa, int xb,
                                    Positions p, float[] wOut, float[][] vOut) {
        if (k.mapsCorners()) {
            region.mapCorners(y, xa, xb, p.x, p.y);          // top corners
            region.mapCorners(y + 1, xa, xb, p.x2, p.y2);    // bottom corners
            ExactOverlap.sampleRow(s, p.x, p.y, p.x2, p.y2, xb - xa, wOut, vOut, p.exact());
        } else {
            region.mapRow(y, xa, xb, p.x, p.y);
            sampleRow(k, s, p.x, p.y, xb - xa, wOut, vOut);
        }
    }

    /** Floor for |v| &lt; 2³¹; cheaper than the library call where the JIT does not intrinsify it. */
    private static int floor(double v) {
        int i = (int) v;
        return i > v ? i - 1 : i;
    }

    private static boolean inside(SourceStrip s, double x, double y) {
        // Written so that NaN fails.
        return x >= s.vx0 - 0.5 && x <= s.vx1 - 0.5 && y >= s.vy0 - 0.5 && y <= s.vy1 - 0.5;
    }

    private static void nearestRow(SourceStrip s, double[] sx, double[] sy, int n, float[] wOut, float[][] vOut) {
        final int nc = s.channels;
        for (int i = 0; i < n; i++) {
            double x = sx[i], y = sy[i];
            if (!inside(s, x, y)) { wOut[i] = 0; continue; }
            int nx = Math.min(s.vx1 - 1, floor(x + 0.5));
            int ny = Math.min(s.vy1 - 1, floor(y + 0.5));
            int j = ny - s.y0, o = s.offsets[j] + nx;
            float wv = 1;
            if (s.w != null) {
                wv = s.w[j][o];
                if (!(wv > 0)) { wOut[i] = 0; continue; }
            }
            wOut[i] = wv;
            for (int c = 0; c < nc; c++) vOut[c][i] = s.rows[c][j][o];
        }
    }

    private static void bilinearRow(SourceStrip s, double[] sx, double[] sy, int n, float[] wOut, float[][] vOut) {
        // Fields in locals: the loop below is the hottest of the coadd.
        final int nc = s.channels, vx0 = s.vx0, vx1 = s.vx1, vy0 = s.vy0, vy1 = s.vy1, y0 = s.y0;
        final double lox = vx0 - 0.5, hix = vx1 - 0.5, loy = vy0 - 0.5, hiy = vy1 - 0.5;
        final float[][] w = s.w;
        final float[][][] rows = s.rows;
        final int[] offsets = s.offsets;
        final float[][] rows0 = nc == 1 ? rows[0] : null;
        final float[] out0 = vOut[0];
        for (int i = 0; i < n; i++) {
            double x = sx[i], y = sy[i];
            if (!(x >= lox && x <= hix && y >= loy && y <= hiy)) { wOut[i] = 0; continue; }
            int xi = floor(x), yi = floor(y);
            if (xi >= vx0 && xi + 1 < vx1 && yi >= vy0 && yi + 1 < vy1) {
                double fx = x - xi, fy = y - yi;
                int j = yi - y0, o0 = offsets[j] + xi, o1 = offsets[j + 1] + xi;
                double a00 = (1 - fx) * (1 - fy), a10 = fx * (1 - fy), a01 = (1 - fx) * fy, a11 = fx * fy;
                if (w == null) {
                    wOut[i] = 1;
                } else {
                    float[] w0 = w[j], w1 = w[j + 1];
                    float w00 = w0[o0], w10 = w0[o0 + 1], w01 = w1[o1], w11 = w1[o1 + 1];
                    // NaN-safe: all four valid?
                    if (!(w00 > 0 && w10 > 0 && w01 > 0 && w11 > 0)) {
                        bilinearGeneral(s, x, y, i, wOut, vOut);
                        continue;
                    }
                    wOut[i] = (float) (a00 * w00 + a10 * w10 + a01 * w01 + a11 * w11);
                }
                if (rows0 != null) {
                    float[] r0 = rows0[j], r1 = rows0[j + 1];
                    out0[i] = (float) (a00 * r0[o0] + a10 * r0[o0 + 1] + a01 * r1[o1] + a11 * r1[o1 + 1]);
                } else {
                    for (int c = 0; c < nc; c++) {
                        float[] r0 = rows[c][j], r1 = rows[c][j + 1];
                        vOut[c][i] = (float) (a00 * r0[o0] + a10 * r0[o0 + 1] + a01 * r1[o1] + a11 * r1[o1 + 1]);
                    }
                }
            } else {
                bilinearGeneral(s, x, y, i, wOut, vOut);
            }
        }
    }

    /**
     * Bilinear samples of n positions of a strip without weight plane over one contiguous band
     * ({@link SourceStrip#contiguous} with no W), written straight into {@code dst[c][off + i]}:
     * NaN where the position is outside the footprint. The values
     * {@link #sampleRow} gives there with {@link Kernel#BILINEAR} (same taps, same arithmetic in the
     * same order: ReprojectedSourceTest), without the weight row and the copy out of it.
     */
    static void bilinearInto(SourceStrip s, double[] sx, double[] sy, int n, float[][] dst, int off) {
        if (s.w != null || !s.contiguous || s.channels < 1 || s.channels > 3)
            throw new IllegalArgumentException("bilinearInto: a contiguous strip of 1 to 3 channels without weight plane");
        if (s.channels == 3) bilinearInto3(s, sx, sy, n, dst, off);
        else bilinearIntoFew(s, sx, sy, n, dst, off);
    }

    /*
     * The two loops below are one rule written twice: three channels (Phase 3's colour frames,
     * most of its CPU) with no per-pixel test of which channels exist, and 1 or 2 channels. Rows
     * are found by arithmetic ((y − y0) · width: a contiguous strip) rather than through the
     * offsets table, one dependent load less per position.
     */

    private static void bilinearInto3(SourceStrip s, double[] sx, double[] sy, int n, float[][] dst, int off) {
        final int vx0 = s.vx0, vx1 = s.vx1, vy0 = s.vy0, vy1 = s.vy1, y0 = s.y0, sw = s.width;
        final double lox = vx0 - 0.5, hix = vx1 - 0.5, loy = vy0 - 0.5, hiy = vy1 - 0.5;
        final float[] p0 = s.rows[0][0], p1 = s.rows[1][0], p2 = s.rows[2][0];
        final float[] d0 = dst[0], d1 = dst[1], d2 = dst[2];
        for (int i = 0; i < n; i++) {
            double x = sx[i], y = sy[i];
            if (!(x >= lox && x <= hix && y >= loy && y <= hiy)) {
                d0[off + i] = d1[off + i] = d2[off + i] = Float.NaN;
                continue;
            }
            int xi = floor(x), yi = floor(y);
            if (xi >= vx0 && xi + 1 < vx1 && yi >= vy0 && yi + 1 < vy1) {
                double fx = x - xi, fy = y - yi;
                int o0 = (yi - y0) * sw + xi, o1 = o0 + sw;
                double a00 = (1 - fx) * (1 - fy), a10 = fx * (1 - fy), a01 = (1 - fx) * fy, a11 = fx * fy;
                d0[off + i] = (float) (a00 * p0[o0] + a10 * p0[o0 + 1] + a01 * p0[o1] + a11 * p0[o1 + 1]);
                d1[off + i] = (float) (a00 * p1[o0] + a10 * p1[o0 + 1] + a01 * p1[o1] + a11 * p1[o1 + 1]);
                d2[off + i] = (float) (a00 * p2[o0] + a10 * p2[o0 + 1] + a01 * p2[o1] + a11 * p2[o1 + 1]);
            } else {
                edge(s, x, y, dst, off + i);
            }
        }
    }

    private static void bilinearIntoFew(SourceStrip s, double[] sx, double[] sy, int n, float[][] dst, int off) {
        final int nc = s.channels, vx0 = s.vx0, vx1 = s.vx1, vy0 = s.vy0, vy1 = s.vy1, y0 = s.y0, sw = s.width;
        final double lox = vx0 - 0.5, hix = vx1 - 0.5, loy = vy0 - 0.5, hiy = vy1 - 0.5;
        final float[] p0 = s.rows[0][0], p1 = nc > 1 ? s.rows[1][0] : null;
        final float[] d0 = dst[0], d1 = nc > 1 ? dst[1] : null;
        for (int i = 0; i < n; i++) {
            double x = sx[i], y = sy[i];
            if (!(x >= lox && x <= hix && y >= loy && y <= hiy)) {
                d0[off + i] = Float.NaN;
                if (d1 != null) d1[off + i] = Float.NaN;
                continue;
            }
            int xi = floor(x), yi = floor(y);
            if (xi >= vx0 && xi + 1 < vx1 && yi >= vy0 && yi + 1 < vy1) {
                double fx = x - xi, fy = y - yi;
                int o0 = (yi - y0) * sw + xi, o1 = o0 + sw;
                double a00 = (1 - fx) * (1 - fy), a10 = fx * (1 - fy), a01 = (1 - fx) * fy, a11 = fx * fy;
                d0[off + i] = (float) (a00 * p0[o0] + a10 * p0[o0 + 1] + a01 * p0[o1] + a11 * p0[o1 + 1]);
                if (p1 != null) d1[off + i] = (float) (a00 * p1[o0] + a10 * p1[o0 + 1] + a01 * p1[o1] + a11 * p1[o1 + 1]);
            } else {
                edge(s, x, y, dst, off + i);
            }
        }
    }

    /** The window's edge: the general rule at one position, into dst[c][at] (NaN where no tap is valid). */
    private static void edge(SourceStrip s, double x, double y, float[][] dst, int at) {
        float[] w1 = new float[1];
        float[][] v1 = new float[s.channels][1];
        bilinearGeneral(s, x, y, 0, w1, v1);
        for (int c = 0; c < s.channels; c++) dst[c][at] = w1[0] > 0 ? v1[c][0] : Float.NaN;
    }

    /** Bilinear at one position that touches the window's edge or an invalid pixel. */
    private static void bilinearGeneral(SourceStrip s, double x, double y, int i, float[] wOut, float[][] vOut) {
        int nx = Math.min(s.vx1 - 1, floor(x + 0.5));
        int ny = Math.min(s.vy1 - 1, floor(y + 0.5));
        if (!valid(s, nx, ny)) { wOut[i] = 0; return; }
        int xi = floor(x), yi = floor(y);
        double fx = x - xi, fy = y - yi;
        // {Σa, Σa·W, Σa·v of each channel} over the valid taps, in a fixed order. The four taps are
        // written out, not looped over: in a loop the JIT hoists array checks that only valid taps
        // pass, and each edge position that trips them made it recompile this method.
        double[] acc = new double[2 + s.channels];
        tap(s, xi, yi, (1 - fy) * (1 - fx), acc);
        tap(s, xi + 1, yi, (1 - fy) * fx, acc);
        tap(s, xi, yi + 1, fy * (1 - fx), acc);
        tap(s, xi + 1, yi + 1, fy * fx, acc);
        // acc[0] > 0: the nearest pixel is valid and carries weight ≥ 1/4.
        wOut[i] = (float) (acc[1] / acc[0]);
        for (int c = 0; c < s.channels; c++) vOut[c][i] = (float) (acc[2 + c] / acc[0]);
    }

    /** Adds tap (x, y) with bilinear weight a to acc when the weight is non-zero and the pixel valid. */
    private static void tap(SourceStrip s, int x, int y, double a, double[] acc) {
        if (a == 0) return;
        float wv = s.weightAt(x, y);
        if (!(wv > 0)) return;
        int j = y - s.y0, o = s.offsets[j] + x;
        acc[0] += a;
        acc[1] += a * wv;
        for (int c = 0; c < s.channels; c++) acc[2 + c] += a * s.rows[c][j][o];
    }

    private static boolean valid(SourceStrip s, int x, int y) {
        return s.weightAt(x, y) > 0;
    }

    private static void lanczosRow(SourceStrip s, double[] sx, double[] sy, int n, float[] wOut, float[][] vOut) {
        final int nc = s.channels;
        final float[][] w = s.w;
        for (int i = 0; i < n; i++) {
            double x = sx[i], y = sy[i];
            if (!inside(s, x, y)) { wOut[i] = 0; continue; }
            int xi = floor(x), yi = floor(y);
            if (!(xi - 2 >= s.vx0 && xi + 3 < s.vx1 && yi - 2 >= s.vy0 && yi + 3 < s.vy1)) {
                bilinearGeneral(s, x, y, i, wOut, vOut);
                continue;
            }
            double fx = x - xi, fy = y - yi;
            int j0 = yi - 2 - s.y0, xs = xi - 2;
            if (w != null) {
                boolean all = true;
                for (int r = 0; r < 6 && all; r++) {
                    float[] wr = w[j0 + r];
                    int o = s.offsets[j0 + r] + xs;
                    for (int k = 0; k < 6; k++) if (!(wr[o + k] > 0)) { all = false; break; }
                }
                if (!all) {
                    bilinearGeneral(s, x, y, i, wOut, vOut);
                    continue;
                }
                // The weight plane is interpolated bilinearly (see class comment).
                int j = yi - s.y0, o0 = s.offsets[j] + xi, o1 = s.offsets[j + 1] + xi;
                float[] w0 = w[j], w1 = w[j + 1];
                wOut[i] = (float) ((1 - fx) * (1 - fy) * w0[o0] + fx * (1 - fy) * w0[o0 + 1]
                        + (1 - fx) * fy * w1[o1] + fx * fy * w1[o1 + 1]);
            } else {
                wOut[i] = 1;
            }
            int qx = (int) (fx * LZ_STEPS + 0.5) * 6, qy = (int) (fy * LZ_STEPS + 0.5) * 6;
            for (int c = 0; c < nc; c++) {
                float[][] rc = s.rows[c];
                double acc = 0;
                for (int r = 0; r < 6; r++) {
                    float[] row = rc[j0 + r];
                    int o = s.offsets[j0 + r] + xs;
                    double h = LZ[qx] * row[o] + LZ[qx + 1] * row[o + 1] + LZ[qx + 2] * row[o + 2]
                            + LZ[qx + 3] * row[o + 3] + LZ[qx + 4] * row[o + 4] + LZ[qx + 5] * row[o + 5];
                    acc += LZ[qy + r] * h;
                }
                vOut[c][i] = (float) acc;
            }
        }
    }
}
