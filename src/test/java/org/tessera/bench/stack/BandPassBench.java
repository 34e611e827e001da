package org.tessera.bench.stack;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.SplittableRandom;

import org.tessera.stack.BandChannel;
import org.tessera.stack.ChannelTally;
import org.tessera.stack.CpuStackBackend;
import org.tessera.stack.StackParams;

/**
 * Microbenchmark of the CPU backend's band pass (not a test): one channel of one band of N frames
 * as the e2e master tiles give it — each frame a 1080×1920 rectangle rotated onto a 2203² canvas
 * (two nights: rotations spread over two ranges), NaN outside, sky + noise + a few outliers inside —
 * rejected and combined by {@link CpuStackBackend} (winsorized sigma clip 3/3, mean). Prints the
 * CPU time per band and an order-sensitive checksum of the output bits (equal before and after a
 * change that keeps the values).
 * <pre>java -cp … org.tessera.bench.stack.BandPassBench [N=50] [ROWS=16] [REPS=20] [Y0=1000]</pre>
 */
public final class BandPassBench {
    private BandPassBench() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int y0 = args.length > 3 ? Integer.parseInt(args[3]) : 1000;
        int width = 2203, slot = rows * width;
        float[] values = band(n, rows, width, y0, 1);
        double[] weights = new double[n];
        for (int f = 0; f < n; f++) weights[f] = 0.8 + 0.4 * f / n;
        boolean useSpans = !Boolean.getBoolean("nospans");
        BandChannel band = new BandChannel(values, slot, n, slot, weights, null, width,
                useSpans ? spans(values, n, rows, width) : null);
        StackParams p = StackParams.defaults().with(StackParams.Rejection.WINSORIZED_SIGMA_CLIP,
                StackParams.Combine.MEAN);
        float[] out = new float[slot];
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long finite = 0;
        for (float v : values) if (Float.isFinite(v)) finite++;
        double best = Double.MAX_VALUE, sum = 0;
        long check = 0;
        for (int r = 0; r < reps; r++) {
            ChannelTally t = new ChannelTally();
            long c0 = mx.getCurrentThreadCpuTime();
            CpuStackBackend.INSTANCE.stack(band, p, out, t);
            double ms = (mx.getCurrentThreadCpuTime() - c0) / 1e6;
            if (r >= reps / 2) { // second half: warmed up
                best = Math.min(best, ms);
                sum += ms;
            }
            check = 0;
            for (float v : out) check = check * 31 + Float.floatToRawIntBits(v);
            check = check * 31 + t.samples();
            check = check * 31 + t.rejected();
        }
        double mean = sum / (reps - reps / 2);
        System.out.printf(Locale.ROOT,
                "BANDPASS N=%d rows=%d y0=%d spans=" + useSpans + " finite %.1f%%: CPU per band best %.2f ms, mean %.2f ms, %.1f ns per finite sample; checksum %016x%n",
                n, rows, y0, 100.0 * finite / values.length, best, mean, best * 1e6 / finite, check);
    }

    /** Per frame and row: the columns from the first to past the last non-NaN value (as a spool records them). */
    static int[] spans(float[] v, int n, int rows, int width) {
        int[] sp = new int[2 * n * rows];
        for (int f = 0; f < n; f++)
            for (int r = 0; r < rows; r++) {
                int base = (f * rows + r) * width, a = 0, b = width;
                while (a < width && Float.isNaN(v[base + a])) a++;
                while (b > a && Float.isNaN(v[base + b - 1])) b--;
                sp[2 * (f * rows + r)] = a;
                sp[2 * (f * rows + r) + 1] = b;
            }
        return sp;
    }

    /** N frames' rows [y0, y0+rows) of a 2203² canvas: rotated 1080×1920 footprints, NaN outside. */
    static float[] band(int n, int rows, int width, int y0, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] v = new float[n * rows * width];
        double c = width / 2.0;
        for (int f = 0; f < n; f++) {
            double ang = Math.toRadians(f < n / 2 ? 10 + 30.0 * f / n : 60 + 30.0 * f / n);
            double ca = Math.cos(ang), sa = Math.sin(ang);
            double dx = rnd.nextDouble(-40, 40), dy = rnd.nextDouble(-40, 40);
            double gain = rnd.nextDouble(0.95, 1.05), sky = 1000 + rnd.nextDouble(-30, 30);
            for (int r = 0; r < rows; r++)
                for (int x = 0; x < width; x++) {
                    double px = x - c - dx, py = y0 + r - c - dy;
                    double u = ca * px + sa * py, w = -sa * px + ca * py;
                    int i = f * rows * width + r * width + x;
                    if (Math.abs(u) > 540 || Math.abs(w) > 960) {
                        v[i] = Float.NaN;
                        continue;
                    }
                    double val = gain * (sky + 20 * rnd.nextGaussian());
                    if (rnd.nextInt(2000) == 0) val += 5000; // cosmic ray / hot pixel
                    // Star-like bump shared by every frame every 97 pixels (ties to the sky).
                    if ((x % 97) < 3 && ((y0 + r) % 89) < 3) val += 800 * gain;
                    v[i] = (float) val;
                }
        }
        return v;
    }
}
