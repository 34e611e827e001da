package org.tessera.gpu.kernels;

import java.util.List;

import org.tessera.gpu.JavaKernel;

import static org.tessera.gpu.kernels.StackKernels.buf;
import static org.tessera.gpu.kernels.StackKernels.f32;
import static org.tessera.gpu.kernels.StackKernels.f64;
import static org.tessera.gpu.kernels.StackKernels.i32;

/**
 * Java port of {@code src/main/cuda/coadd.cu}, line for line: one output pixel of one
 * contribution, one channel. Runs on the simulated device.
 */
public final class CoaddKernel {
    private CoaddKernel() {}

    public static final String NAME = "tessera_coadd";
    public static final int K_NEAREST = 0, K_BILINEAR = 1, K_LANCZOS3 = 3;
    static final int LZ_STEPS = 1024;

    /** The strip of one launch (the CUDA struct Strip). */
    record Strip(float[] plane, float[] w, int hasW, int sw, int sy0, int vx0, int vx1, int vy0, int vy1) {}

    static int ifloor(double v) {
        int i = (int) v;
        return i > v ? i - 1 : i;
    }

    static int floordiv(int a, int b) {
        int q = a / b;
        return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
    }

    static float weightAt(Strip s, int x, int y) {
        if (x < s.vx0 || x >= s.vx1 || y < s.vy0 || y >= s.vy1) return 0;
        if (s.hasW == 0) return 1;
        return s.w[(int) ((long) (y - s.sy0) * s.sw + x)];
    }

    static void tap(Strip s, int x, int y, double a, double[] acc) {
        if (a == 0) return;
        float wv = weightAt(s, x, y);
        if (!(wv > 0)) return;
        acc[0] += a;
        acc[1] += a * wv;
        acc[2] += a * s.plane[(int) ((long) (y - s.sy0) * s.sw + x)];
    }

    /** out = {w, v}. */
    static void bilinearGeneral(Strip s, double x, double y, float[] out) {
        int nx = Math.min(s.vx1 - 1, ifloor(x + 0.5));
        int ny = Math.min(s.vy1 - 1, ifloor(y + 0.5));
        if (!(weightAt(s, nx, ny) > 0)) { out[0] = 0; return; }
        int xi = ifloor(x), yi = ifloor(y);
        double fx = x - xi, fy = y - yi;
        double[] acc = {0, 0, 0};
        tap(s, xi, yi, (1 - fy) * (1 - fx), acc);
        tap(s, xi + 1, yi, (1 - fy) * fx, acc);
        tap(s, xi, yi + 1, fy * (1 - fx), acc);
        tap(s, xi + 1, yi + 1, fy * fx, acc);
        out[0] = (float) (acc[1] / acc[0]);
        out[1] = (float) (acc[2] / acc[0]);
    }

    static boolean inside(Strip s, double x, double y) {
        return x >= s.vx0 - 0.5 && x <= s.vx1 - 0.5 && y >= s.vy0 - 0.5 && y <= s.vy1 - 0.5;
    }

    static void sample(Strip s, int kernel, double[] lz, double x, double y, float[] out) {
        if (kernel == K_NEAREST) {
            if (!inside(s, x, y)) { out[0] = 0; return; }
            int nx = Math.min(s.vx1 - 1, ifloor(x + 0.5));
            int ny = Math.min(s.vy1 - 1, ifloor(y + 0.5));
            int o = (int) ((long) (ny - s.sy0) * s.sw + nx);
            float wv = 1;
            if (s.hasW != 0) {
                wv = s.w[o];
                if (!(wv > 0)) { out[0] = 0; return; }
            }
            out[0] = wv;
            out[1] = s.plane[o];
            return;
        }
        if (kernel == K_BILINEAR) {
            double lox = s.vx0 - 0.5, hix = s.vx1 - 0.5, loy = s.vy0 - 0.5, hiy = s.vy1 - 0.5;
            if (!(x >= lox && x <= hix && y >= loy && y <= hiy)) { out[0] = 0; return; }
            int xi = ifloor(x), yi = ifloor(y);
            if (xi >= s.vx0 && xi + 1 < s.vx1 && yi >= s.vy0 && yi + 1 < s.vy1) {
                double fx = x - xi, fy = y - yi;
                int o0 = (int) ((long) (yi - s.sy0) * s.sw + xi), o1 = o0 + s.sw;
                double a00 = (1 - fx) * (1 - fy), a10 = fx * (1 - fy), a01 = (1 - fx) * fy, a11 = fx * fy;
                if (s.hasW == 0) {
                    out[0] = 1;
                } else {
                    float w00 = s.w[o0], w10 = s.w[o0 + 1], w01 = s.w[o1], w11 = s.w[o1 + 1];
                    if (!(w00 > 0 && w10 > 0 && w01 > 0 && w11 > 0)) {
                        bilinearGeneral(s, x, y, out);
                        return;
                    }
                    out[0] = (float) (a00 * w00 + a10 * w10 + a01 * w01 + a11 * w11);
                }
                float[] r = s.plane;
                out[1] = (float) (a00 * r[o0] + a10 * r[o0 + 1] + a01 * r[o1] + a11 * r[o1 + 1]);
            } else {
                bilinearGeneral(s, x, y, out);
            }
            return;
        }
        // K_LANCZOS3
        if (!inside(s, x, y)) { out[0] = 0; return; }
        int xi = ifloor(x), yi = ifloor(y);
        if (!(xi - 2 >= s.vx0 && xi + 3 < s.vx1 && yi - 2 >= s.vy0 && yi + 3 < s.vy1)) {
            bilinearGeneral(s, x, y, out);
            return;
        }
        double fx = x - xi, fy = y - yi;
        int j0 = yi - 2 - s.sy0, xs = xi - 2;
        if (s.hasW != 0) {
            boolean all = true;
            for (int r = 0; r < 6 && all; r++) {
                int o = (int) ((long) (j0 + r) * s.sw + xs);
                for (int k = 0; k < 6; k++) if (!(s.w[o + k] > 0)) { all = false; break; }
            }
            if (!all) {
                bilinearGeneral(s, x, y, out);
                return;
            }
            int o0 = (int) ((long) (yi - s.sy0) * s.sw + xi), o1 = o0 + s.sw;
            out[0] = (float) ((1 - fx) * (1 - fy) * s.w[o0] + fx * (1 - fy) * s.w[o0 + 1]
                    + (1 - fx) * fy * s.w[o1] + fx * fy * s.w[o1 + 1]);
        } else {
            out[0] = 1;
        }
        int qx = (int) (fx * LZ_STEPS + 0.5) * 6, qy = (int) (fy * LZ_STEPS + 0.5) * 6;
        double acc = 0;
        for (int r = 0; r < 6; r++) {
            float[] row = s.plane;
            int o = (int) ((long) (j0 + r) * s.sw + xs);
            double h = lz[qx] * row[o] + lz[qx + 1] * row[o + 1] + lz[qx + 2] * row[o + 2]
                    + lz[qx + 3] * row[o + 3] + lz[qx + 4] * row[o + 4] + lz[qx + 5] * row[o + 5];
            acc += lz[qy + r] * h;
        }
        out[1] = (float) acc;
    }

    /** tessera_coadd. */
    static final JavaKernel KERNEL = (blockX, blockY, threadX, threadY, call, mem) -> {
        List<Object> a = call.args();
        int[] nodes = mem.ints(buf(a, 0));
        double[] corners = mem.doubles(buf(a, 1));
        int cx0 = i32(a, 2), cy0 = i32(a, 3), ncx = i32(a, 4), cellSize = i32(a, 5);
        int hasW = i32(a, 8);
        float[] plane = mem.floats(buf(a, 6)), wplane = hasW != 0 ? mem.floats(buf(a, 7)) : null;
        int sw = i32(a, 9), sy0 = i32(a, 10), vx0 = i32(a, 11), vx1 = i32(a, 12), vy0 = i32(a, 13), vy1 = i32(a, 14);
        int kernel = i32(a, 15);
        double[] lz = mem.doubles(buf(a, 16));
        int x0 = i32(a, 17), x1 = i32(a, 18), y0 = i32(a, 19), y1 = i32(a, 20);
        float tw = f32(a, 21), gain = f32(a, 22);
        double level = f64(a, 23), slopeX = f64(a, 24), slopeY = f64(a, 25);
        float[] sum = mem.floats(buf(a, 26)), wsum = mem.floats(buf(a, 27));
        int addWeight = i32(a, 28), bandY0 = i32(a, 29), bandW = i32(a, 30);

        long t = (long) blockX * call.blockX() + threadX;
        int rw = x1 - x0;
        if (t >= (long) rw * (y1 - y0)) return;
        int x = x0 + (int) (t % rw), y = y0 + (int) (t / rw);
        int k = (floordiv(y, cellSize) - cy0) * ncx + (floordiv(x, cellSize) - cx0);
        while (nodes[5 * k + 3] >= 0) {
            int h = nodes[5 * k + 2] / 2;
            k = nodes[5 * k + 3] + (y < nodes[5 * k + 1] + h ? 0 : 2) + (x < nodes[5 * k] + h ? 0 : 1);
        }
        double sx, sy;
        if (nodes[5 * k + 4] != 0) {
            sx = sy = Double.NaN;
        } else {
            int c = 8 * k;
            double inv = 1.0 / nodes[5 * k + 2], v = ((double) y - nodes[5 * k + 1]) * inv;
            double lx = corners[c] + v * (corners[c + 4] - corners[c]), ly = corners[c + 1] + v * (corners[c + 5] - corners[c + 1]);
            double dx = (corners[c + 2] + v * (corners[c + 6] - corners[c + 2])) - lx;
            double dy = (corners[c + 3] + v * (corners[c + 7] - corners[c + 3])) - ly;
            double u = ((double) x - nodes[5 * k]) * inv;
            sx = lx + u * dx;
            sy = ly + u * dy;
        }
        Strip s = new Strip(plane, wplane, hasW, sw, sy0, vx0, vx1, vy0, vy1);
        float[] av = {0, 0};
        sample(s, kernel, lz, sx, sy, av);
        float aw = av[0], val = av[1];
        if (!(aw > 0)) return;
        float w = tw * aw;
        int base = (int) ((long) (y - bandY0) * bandW + x);
        if (addWeight != 0) wsum[base] += w;
        float off = (float) (level + slopeY * y + slopeX * x);
        sum[base] += w * (gain * val + off);
    };
}
