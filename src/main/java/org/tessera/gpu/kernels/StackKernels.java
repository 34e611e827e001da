package org.tessera.gpu.kernels;

import java.util.List;

import org.tessera.gpu.DeviceBuffer;
import org.tessera.gpu.JavaKernel;
import org.tessera.gpu.KernelCall;

/**
 * Java ports of {@code src/main/cuda/stack.cu}, line for line (same names, same index arithmetic,
 * same double accumulators), run by the simulated device one CUDA thread at a time. A device
 * pointer {@code p + i} becomes an array and a base index.
 */
public final class StackKernels {
    private StackKernels() {}

    public static final String REJECT = "tessera_reject";
    public static final String COMBINE = "tessera_combine";
    public static final String ACCUMULATE = "tessera_accumulate";
    public static final String FINISH = "tessera_finish";

    public static final int REJ_NONE = 0, REJ_KAPPA_SIGMA = 1, REJ_WINSORIZED = 2, REJ_LINEAR_FIT = 3;

    static final double WINSOR_SIGMA_FLOOR = 1e-10;
    static final int WINSOR_MAX_ITERS = 10;
    static final double WINSOR_TOL = 5e-4;
    static final double MAD_TO_SIGMA = 1.4826;
    static final int INSERTION = 12;

    static double kth(double[] a, int a0, long s, int n, int k) {
        int l = 0, r = n - 1;
        while (r - l > INSERTION) {
            int m = (l + r) >> 1;
            double x = a[(int) (a0 + l * s)], y = a[(int) (a0 + m * s)], z = a[(int) (a0 + r * s)];
            double p = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
            int st = l;
            for (int i = l; i <= r; i++) {
                double v = a[(int) (a0 + i * s)];
                a[(int) (a0 + i * s)] = a[(int) (a0 + st * s)];
                a[(int) (a0 + st * s)] = v;
                st += v < p ? 1 : 0;
            }
            if (k < st) {
                r = st - 1;
                continue;
            }
            int e = st;
            for (int i = st; i <= r; i++) {
                double v = a[(int) (a0 + i * s)];
                a[(int) (a0 + i * s)] = a[(int) (a0 + e * s)];
                a[(int) (a0 + e * s)] = v;
                e += v <= p ? 1 : 0;
            }
            if (k < e) return p;
            l = e;
        }
        for (int i = l + 1; i <= r; i++) {
            double v = a[(int) (a0 + i * s)];
            int j = i - 1;
            while (j >= l && a[(int) (a0 + j * s)] > v) {
                a[(int) (a0 + (j + 1) * s)] = a[(int) (a0 + j * s)];
                j--;
            }
            a[(int) (a0 + (j + 1) * s)] = v;
        }
        return a[(int) (a0 + k * s)];
    }

    static double medianPair(double[] a, int a0, long s, int n, double[] pair) {
        int h = n >> 1;
        double hi = kth(a, a0, s, n, h);
        double lo = hi;
        if ((n & 1) == 0) {
            lo = a[a0];
            for (int i = 1; i < h; i++) if (a[(int) (a0 + i * s)] > lo) lo = a[(int) (a0 + i * s)];
        }
        pair[0] = lo;
        pair[1] = hi;
        return (n & 1) == 1 ? hi : 0.5 * (lo + hi);
    }

    static int gather(float[] values, int frames, int pixels, int i, double[] t, int t0, long s) {
        int n = 0;
        for (int f = 0; f < frames; f++) {
            float v = values[(int) ((long) f * pixels + i)];
            if (!Float.isFinite(v)) continue;
            t[(int) (t0 + n * s)] = v;
            n++;
        }
        return n;
    }

    static double stdAround(float[] values, int frames, int pixels, int i, int n, double c) {
        double s1 = 0, s2 = 0;
        for (int f = 0; f < frames; f++) {
            float v = values[(int) ((long) f * pixels + i)];
            if (!Float.isFinite(v)) continue;
            double d = v - c;
            s1 += d;
            s2 += d * d;
        }
        double m = s1 / n;
        return Math.sqrt(Math.max(0.0, s2 / n - m * m));
    }

    static double weightOf(double[] fw, float[] pw, int hasPw, long idx, int f) {
        return hasPw != 0 ? fw[f] * pw[(int) idx] : fw[f];
    }

    static int index(int blockX, int threadX, KernelCall call) {
        return blockX * call.blockX() + threadX;
    }

    static int i32(List<Object> a, int k) { return (Integer) a.get(k); }
    static float f32(List<Object> a, int k) { return (Float) a.get(k); }
    static double f64(List<Object> a, int k) { return (Double) a.get(k); }
    static DeviceBuffer buf(List<Object> a, int k) { return (DeviceBuffer) a.get(k); }

    /** tessera_reject. */
    static final JavaKernel REJECT_KERNEL = (blockX, blockY, threadX, threadY, call, mem) -> {
        List<Object> a = call.args();
        float[] values = mem.floats(buf(a, 0));
        int hasPw = i32(a, 2);
        float[] pw = hasPw != 0 ? mem.floats(buf(a, 1)) : null;
        double[] fw = mem.doubles(buf(a, 3));
        int frames = i32(a, 4), pixels = i32(a, 5), rejection = i32(a, 6);
        double kl = f64(a, 7), kh = f64(a, 8);
        double[] scratch = mem.doubles(buf(a, 9));
        double[] lo = mem.doubles(buf(a, 10)), hi = mem.doubles(buf(a, 11));
        double[] rejLo = mem.doubles(buf(a, 12)), rejHi = mem.doubles(buf(a, 13));

        int i = index(blockX, threadX, call);
        if (i >= pixels) return;
        double[] t = scratch;
        int t0 = i;
        long s = pixels;
        double L = Double.NEGATIVE_INFINITY, H = Double.POSITIVE_INFINITY;
        double RL = Double.NEGATIVE_INFINITY, RH = Double.POSITIVE_INFINITY;
        int n = gather(values, frames, pixels, i, t, t0, s);
        double[] pair = new double[2];
        if (n > 0 && rejection == REJ_KAPPA_SIGMA) {
            double med = medianPair(t, t0, s, n, pair);
            double sd = stdAround(values, frames, pixels, i, n, med);
            L = RL = med - kl * sd;
            H = RH = med + kh * sd;
        } else if (n > 0 && rejection == REJ_LINEAR_FIT) {
            double med = medianPair(t, t0, s, n, pair);
            double medR = 0.5 * ((pair[0] - med) + (pair[1] - med));
            double sd = stdAround(values, frames, pixels, i, n, med);
            L = RL = med + medR - kl * sd;
            H = RH = med + medR + kh * sd;
        } else if (n >= 2 && rejection == REJ_WINSORIZED) {
            double m = medianPair(t, t0, s, n, pair);
            int k = 0;
            for (int f = 0; f < frames; f++) {
                float v = values[(int) ((long) f * pixels + i)];
                if (!Float.isFinite(v)) continue;
                t[(int) (t0 + k * s)] = Math.abs(v - m);
                k++;
            }
            double sigma = MAD_TO_SIGMA * medianPair(t, t0, s, n, pair);
            if (!(sigma > 0)) sigma = WINSOR_SIGMA_FLOOR;
            double c = Math.max(kl, kh);
            double prevLo = Double.NaN, prevHi = Double.NaN, clo = 0, chi = 0;
            for (int it = 0; it < WINSOR_MAX_ITERS; it++) {
                double l = m - kl * sigma, h = m + kh * sigma;
                double sw = 0, swx = 0;
                for (int f = 0; f < frames; f++) {
                    long idx = (long) f * pixels + i;
                    float x = values[(int) idx];
                    if (!Float.isFinite(x)) continue;
                    double w = weightOf(fw, pw, hasPw, idx, f);
                    double v = x;
                    v = v < l ? l : (v > h ? h : v);
                    sw += w;
                    swx += w * v;
                }
                double mNew = swx / sw;
                double num = 0, den = 0, cs = c * sigma;
                for (int f = 0; f < frames; f++) {
                    long idx = (long) f * pixels + i;
                    float x = values[(int) idx];
                    if (!Float.isFinite(x)) continue;
                    double w = weightOf(fw, pw, hasPw, idx, f);
                    double v = x;
                    v = v < l ? l : (v > h ? h : v);
                    double r = v - mNew, ar = Math.abs(r);
                    double hw = ar <= cs ? w : cs / ar * w;
                    num += hw * r * r;
                    den += hw;
                }
                double sNew = den > 0 ? Math.sqrt(num / den) : 0;
                if (!(sNew > 0)) sNew = WINSOR_SIGMA_FLOOR;
                clo = l;
                chi = h;
                if (it > 0 && l == prevLo && h == prevHi) {
                    m = mNew;
                    sigma = sNew;
                    break;
                }
                boolean converged = Math.abs(mNew - m) <= WINSOR_TOL * Math.max(1.0, Math.abs(m))
                        && Math.abs(sNew - sigma) <= WINSOR_TOL * Math.max(1.0, Math.abs(sigma));
                m = mNew;
                sigma = sNew;
                prevLo = l;
                prevHi = h;
                if (converged) break;
            }
            L = clo;
            H = chi;
            RL = m - kl * sigma;
            RH = m + kh * sigma;
        }
        lo[i] = L;
        hi[i] = H;
        rejLo[i] = RL;
        rejHi[i] = RH;
    };

    /** tessera_combine. */
    static final JavaKernel COMBINE_KERNEL = (blockX, blockY, threadX, threadY, call, mem) -> {
        List<Object> a = call.args();
        float[] values = mem.floats(buf(a, 0));
        int hasPw = i32(a, 2);
        float[] pw = hasPw != 0 ? mem.floats(buf(a, 1)) : null;
        double[] fw = mem.doubles(buf(a, 3));
        int frames = i32(a, 4), pixels = i32(a, 5), clip = i32(a, 6), median = i32(a, 7);
        double[] lo = mem.doubles(buf(a, 8)), hi = mem.doubles(buf(a, 9));
        double[] rejLo = mem.doubles(buf(a, 10)), rejHi = mem.doubles(buf(a, 11));
        double[] scratch = mem.doubles(buf(a, 12));
        float[] out = mem.floats(buf(a, 13));
        int[] count = mem.ints(buf(a, 14)), rejected = mem.ints(buf(a, 15));

        int i = index(blockX, threadX, call);
        if (i >= pixels) return;
        double L = lo[i], H = hi[i], RL = rejLo[i], RH = rejHi[i];
        int n = 0, rej = 0;
        double result;
        if (median != 0) {
            double[] t = scratch;
            int t0 = i;
            long s = pixels;
            int m = 0;
            for (int f = 0; f < frames; f++) {
                float x = values[(int) ((long) f * pixels + i)];
                if (!Float.isFinite(x)) continue;
                n++;
                double v = x;
                if (v < RL || v > RH) rej++;
                if (clip != 0) t[(int) (t0 + (m++) * s)] = v < L ? L : (v > H ? H : v);
                else if (v >= L && v <= H) t[(int) (t0 + (m++) * s)] = v;
            }
            if (n > 0 && m == 0) {
                m = gather(values, frames, pixels, i, t, t0, s);
                rej = 0;
            }
            double[] pair = new double[2];
            result = n > 0 ? medianPair(t, t0, s, m, pair) : 0;
        } else {
            double sWX = 0, sW = 0, aWX = 0, aW = 0;
            for (int f = 0; f < frames; f++) {
                long idx = (long) f * pixels + i;
                float x = values[(int) idx];
                if (!Float.isFinite(x)) continue;
                n++;
                double v = x, ww = weightOf(fw, pw, hasPw, idx, f);
                aWX += ww * v;
                aW += ww;
                if (v < RL || v > RH) rej++;
                if (clip != 0) {
                    double cv = v < L ? L : (v > H ? H : v);
                    sWX += ww * cv;
                    sW += ww;
                } else if (v >= L && v <= H) {
                    sWX += ww * v;
                    sW += ww;
                }
            }
            if (!(sW > 0)) rej = 0;
            result = sW > 0 ? sWX / sW : aWX / aW;
        }
        out[i] = n == 0 ? Float.NaN : (float) result;
        count[i] = n;
        rejected[i] = n == 0 ? 0 : rej;
    };

    /** tessera_accumulate. */
    static final JavaKernel ACCUMULATE_KERNEL = (blockX, blockY, threadX, threadY, call, mem) -> {
        List<Object> a = call.args();
        float[] values = mem.floats(buf(a, 0));
        int hasPw = i32(a, 2);
        float[] pw = hasPw != 0 ? mem.floats(buf(a, 1)) : null;
        double[] fw = mem.doubles(buf(a, 3));
        int frames = i32(a, 4), pixels = i32(a, 5), clip = i32(a, 6);
        double[] lo = mem.doubles(buf(a, 7)), hi = mem.doubles(buf(a, 8));
        double[] rejLo = mem.doubles(buf(a, 9)), rejHi = mem.doubles(buf(a, 10));
        double[] sumWX = mem.doubles(buf(a, 11)), sumW = mem.doubles(buf(a, 12));
        double[] sumWXAll = mem.doubles(buf(a, 13)), sumWAll = mem.doubles(buf(a, 14));
        int[] count = mem.ints(buf(a, 15)), rejected = mem.ints(buf(a, 16));

        int i = index(blockX, threadX, call);
        if (i >= pixels) return;
        double L = lo[i], H = hi[i], RL = rejLo[i], RH = rejHi[i];
        double aWX = sumWX[i], aW = sumW[i], aWXAll = sumWXAll[i], aWAll = sumWAll[i];
        int cnt = count[i], rej = rejected[i];
        for (int f = 0; f < frames; f++) {
            long idx = (long) f * pixels + i;
            float x = values[(int) idx];
            if (!Float.isFinite(x)) continue;
            double w = weightOf(fw, pw, hasPw, idx, f);
            cnt++;
            aWXAll += w * x;
            aWAll += w;
            if (x < RL || x > RH) rej++;
            if (clip != 0) {
                double c = x < L ? L : (x > H ? H : x);
                aWX += w * c;
                aW += w;
            } else if (x >= L && x <= H) {
                aWX += w * x;
                aW += w;
            }
        }
        sumWX[i] = aWX;
        sumW[i] = aW;
        sumWXAll[i] = aWXAll;
        sumWAll[i] = aWAll;
        count[i] = cnt;
        rejected[i] = rej;
    };

    /** tessera_finish. */
    static final JavaKernel FINISH_KERNEL = (blockX, blockY, threadX, threadY, call, mem) -> {
        List<Object> a = call.args();
        int[] count = mem.ints(buf(a, 0));
        double[] sumWX = mem.doubles(buf(a, 1)), sumW = mem.doubles(buf(a, 2));
        double[] sumWXAll = mem.doubles(buf(a, 3)), sumWAll = mem.doubles(buf(a, 4));
        int[] rejected = mem.ints(buf(a, 5));
        int median = i32(a, 6);
        float[] sampleMedian = mem.floats(buf(a, 7));
        int pixels = i32(a, 8);
        float[] out = mem.floats(buf(a, 9));
        int[] rejectedOut = mem.ints(buf(a, 10));

        int i = index(blockX, threadX, call);
        if (i >= pixels) return;
        int n = count[i];
        if (n == 0) {
            out[i] = Float.NaN;
            rejectedOut[i] = 0;
            return;
        }
        boolean admitted = sumW[i] > 0;
        double fallback = sumWXAll[i] / sumWAll[i];
        if (median != 0) out[i] = Float.isNaN(sampleMedian[i]) ? (float) fallback : sampleMedian[i];
        else out[i] = (float) (admitted ? sumWX[i] / sumW[i] : fallback);
        rejectedOut[i] = admitted ? rejected[i] : 0;
    };
}
