package org.tessera.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import org.tessera.Progress;
import org.tessera.image.FloatImage;
import org.tessera.plan.StackLayout;

/**
 * Benchmark of the whole band pass (not a test): {@link BandStacker} on one thread over N spooled
 * frames as Phase 3 gives them — 3 channels, each frame a 1080×1920 rectangle rotated onto a
 * 2203-wide canvas (NaN outside), normalised (gain, offset), winsorized 3/3, mean — for each
 * rows-per-band value given, alternately. Prints the thread's CPU time per pass and a checksum of
 * the output bits (equal for every row count and before and after a change that keeps the values).
 * <pre>java -cp … org.tessera.stack.BandLoadBench [N=50] [ROWS=320] [REPS=6] [ROWS_PER_BAND...=160]</pre>
 */
public final class BandLoadBench {
    private BandLoadBench() {}

    private static final int WORKERS = Integer.getInteger("workers", 1);

    private static long cpu(ThreadMXBean mx) {
        return WORKERS == 1 ? mx.getCurrentThreadCpuTime()
                : ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int height = args.length > 1 ? Integer.parseInt(args[1]) : 320;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 6;
        List<Integer> bandRows = new ArrayList<>();
        for (int k = 3; k < args.length; k++) bandRows.add(Integer.parseInt(args[k]));
        if (bandRows.isEmpty()) bandRows.add(160);
        int width = 2203, channels = 3, y0 = 900;
        Path dir = Files.createTempDirectory("bandload");
        SplittableRandom rnd = new SplittableRandom(1);
        List<SpooledSource> frames = new ArrayList<>();
        List<String> names = new ArrayList<>();
        double[][] gain = new double[n][channels], offset = new double[n][channels], weights = new double[n][channels];
        for (int f = 0; f < n; f++) {
            FloatImage img = frame(f, n, width, height, y0, channels, rnd);
            SpooledSource s = new SpooledSource(img, dir);
            float[][] band = img.newBand(16);
            for (int y = 0; y < height; y += 16) s.readRows(y, Math.min(16, height - y), band); // the recording
            if (!s.complete()) throw new IllegalStateException("spool not complete");
            frames.add(s);
            names.add("f" + f);
            for (int c = 0; c < channels; c++) {
                gain[f][c] = f == 0 ? 1 : rnd.nextDouble(0.96, 1.02);
                offset[f][c] = f == 0 ? 0 : rnd.nextDouble(-20, 20);
                weights[f][c] = rnd.nextDouble(0.3, 1);
            }
        }
        Normalization.Affine norm = new Normalization.Affine(gain, offset);
        StackParams p = StackParams.defaults().with(StackParams.Rejection.WINSORIZED_SIGMA_CLIP, StackParams.Combine.MEAN);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double[][] best = new double[bandRows.size()][1];
        for (double[] b : best) b[0] = Double.MAX_VALUE;
        long[] check = new long[bandRows.size()];
        for (int r = 0; r < reps; r++)
            for (int v = 0; v < bandRows.size(); v++) {
                int rows = bandRows.get(v);
                StackLayout layout = new StackLayout(StackLayout.Mode.BANDS, WORKERS, rows, (height + rows - 1) / rows, n, n,
                        0, 1, 0, 0, 0);
                FloatImage out = new FloatImage(width, height, channels), cov = new FloatImage(width, height, 1);
                BandStacker bs = new BandStacker(frames, names, norm, weights, null, p, layout, CpuStackBackend.INSTANCE,
                        out, cov, true);
                long c0 = cpu(mx);
                BandStacker.Outcome o = bs.run(Progress.NONE);
                double ms = (cpu(mx) - c0) / 1e6;
                if (r > 0) best[v][0] = Math.min(best[v][0], ms);
                long h = 0;
                for (int c = 0; c < channels; c++) for (float x : out.plane(c)) h = h * 31 + Float.floatToRawIntBits(x);
                for (float x : cov.plane(0)) h = h * 31 + Float.floatToRawIntBits(x);
                for (int c = 0; c < channels; c++) h = h * 31 + o.tally()[c].rejected();
                check[v] = h;
                System.out.printf(Locale.ROOT, "rep %d rows/band %d: %.1f ms%n", r, rows, ms);
            }
        for (int v = 0; v < bandRows.size(); v++)
            System.out.printf(Locale.ROOT, "BANDLOAD N=%d height=%d rows/band=%d: best %.1f ms; checksum %016x%n", n,
                    height, bandRows.get(v), best[v][0], check[v]);
        for (SpooledSource s : frames) s.close();
    }

    /** Rows [y0, y0 + height) of one frame: a rotated 1080×1920 footprint on the canvas, sky + noise + outliers. */
    private static FloatImage frame(int f, int n, int width, int height, int y0, int channels, SplittableRandom rnd) {
        FloatImage img = new FloatImage(width, height, channels);
        double c = width / 2.0, ang = Math.toRadians(f < n / 2 ? 10 + 6.0 * f / n : 40 + 6.0 * f / n);
        double ca = Math.cos(ang), sa = Math.sin(ang), dx = rnd.nextDouble(-40, 40), dy = rnd.nextDouble(-40, 40);
        for (int ch = 0; ch < channels; ch++) {
            float[] p = img.plane(ch);
            double g = rnd.nextDouble(0.95, 1.05), sky = 1000 + 200 * ch + rnd.nextDouble(-30, 30);
            for (int r = 0; r < height; r++)
                for (int x = 0; x < width; x++) {
                    double px = x - c - dx, py = y0 + r - c - dy;
                    double u = ca * px + sa * py, w = -sa * px + ca * py;
                    int i = r * width + x;
                    if (Math.abs(u) > 540 || Math.abs(w) > 960) {
                        p[i] = Float.NaN;
                        continue;
                    }
                    double val = g * (sky + 20 * rnd.nextGaussian());
                    if (rnd.nextInt(2000) == 0) val += 5000;
                    if ((x % 97) < 3 && ((y0 + r) % 89) < 3) val += 800 * g;
                    p[i] = (float) val;
                }
        }
        return img;
    }
}
