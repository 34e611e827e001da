package org.tessera.stack;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.tessera.io.FitsFrame;
import org.tessera.io.FrameReading;

/**
 * Benchmark of the statistics pass's per-frame work (not a test), on the raw Seestar M 94 frames
 * (demosaiced, hot pixels corrected, then rotated onto a 2203² canvas as Phase 3's reprojection
 * does, bilinear, NaN outside; {@code -Dcanvas=0}: shifted by a fraction of a pixel only):
 * {@code survey} times FrameSurvey's measure (with linear_fit's cells) and fits of each frame,
 * {@code index} times {@link ExactStats.Selector#index}
 * and the percentiles and clipping FrameSurvey takes from it, per channel; {@code fit} times
 * {@link SkyCells#fit} of every frame against the first. Prints the thread's CPU time per round
 * and a checksum of every result's bits (equal before and after a change that keeps the values).
 * <pre>java [-Dcanvas=2203] -cp … org.tessera.stack.SurveyCostBench index|fit|survey [ROUNDS=7] [DATA=../shared/data/seestar_m94_raw]</pre>
 */
public final class SurveyCostBench {
    private SurveyCostBench() {}

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "index";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        Path data = Path.of(args.length > 2 ? args[2] : "../shared/data/seestar_m94_raw");
        int[] size = new int[2];
        List<float[][]> frames = load(data, size);
        int w = size[0], h = size[1];
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double[] ms = new double[rounds];
        long check = 0;
        for (int r = 0; r < rounds; r++) {
            List<float[][]> in = mode.equals("index") ? copies(frames) : frames;
            long c0 = mx.getCurrentThreadCpuTime();
            long sum = switch (mode) {
                case "fit" -> fits(in, w, h);
                case "survey" -> survey(in, w, h);
                default -> index(in);
            };
            ms[r] = (mx.getCurrentThreadCpuTime() - c0) / 1e6;
            if (r > 0 && sum != check) throw new IllegalStateException("checksum changed between rounds");
            check = sum;
        }
        double[] t = Arrays.copyOfRange(ms, 1, rounds); // the first round warms up
        Arrays.sort(t);
        System.out.printf(Locale.ROOT, "%s frames=%d median %.1f ms min %.1f ms (per frame %.2f ms) checksum %016x%n",
                mode, frames.size(), t[t.length / 2], t[0], t[t.length / 2] / frames.size(), check);
    }

    /** The frames, demosaiced and shifted; size gets {width, height}. */
    static List<float[][]> load(Path data, int[] size) throws java.io.IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(data)) {
            files = s.filter(p -> p.toString().endsWith(".fit")).sorted().toList();
        }
        List<float[][]> frames = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            FitsFrame f = FitsFrame.open(files.get(i)).withReading(FrameReading.DEFAULT);
            int w = size[0] = f.width(), h = size[1] = f.height();
            float[][] band = f.newBand(h);
            f.readRows(0, h, band);
            if (CANVAS > 0) {
                frames.add(rotate(band, w, h, CANVAS, 0.35 + 0.02 * i, 0.13 + 3.07 * i, 0.71 - 2.05 * i));
                size[0] = size[1] = CANVAS;
            } else {
                frames.add(shift(band, w, h, 0.13 + 0.07 * i, 0.71 - 0.05 * i));
            }
        }
        return frames;
    }

    /** Side of the square canvas the frames are rotated onto (Phase 3's reprojection; NaN outside), 0: raw frames shifted. */
    static final int CANVAS = Integer.getInteger("canvas", 2203);

    /** The frame rotated by angle about its centre onto a side² canvas, shifted by (dx, dy), bilinear, NaN outside. */
    private static float[][] rotate(float[][] src, int w, int h, int side, double angle, double dx, double dy) {
        float[][] out = new float[src.length][side * side];
        double c = Math.cos(angle), s = Math.sin(angle);
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++) {
                double u = x - side / 2.0 - dx, v = y - side / 2.0 - dy;
                double sx = c * u + s * v + w / 2.0, sy = -s * u + c * v + h / 2.0;
                int x0 = (int) Math.floor(sx), y0 = (int) Math.floor(sy);
                boolean in = x0 >= 0 && y0 >= 0 && x0 + 1 < w && y0 + 1 < h;
                double fx = sx - x0, fy = sy - y0;
                for (int k = 0; k < src.length; k++) {
                    if (!in) {
                        out[k][y * side + x] = Float.NaN;
                        continue;
                    }
                    float[] p = src[k];
                    int i = y0 * w + x0;
                    out[k][y * side + x] = (float) ((1 - fy) * ((1 - fx) * p[i] + fx * p[i + 1])
                            + fy * ((1 - fx) * p[i + w] + fx * p[i + w + 1]));
                }
            }
        return out;
    }

    private static final ExactStats.Selector SELECTOR = new ExactStats.Selector();

    private static long index(List<float[][]> frames) {
        long h = 0;
        for (float[][] f : frames)
            for (float[] plane : f) {
                SELECTOR.index(plane, plane.length);
                double lo = SELECTOR.percentile(FrameSurvey.LOW_PERCENTILE), hi = SELECTOR.percentile(FrameSurvey.HIGH_PERCENTILE);
                ExactStats.Clipped c = ExactStats.sigmaClipped(SELECTOR, FrameSurvey.NOISE_KAPPA, FrameSurvey.NOISE_KAPPA,
                        FrameSurvey.NOISE_ITERS);
                for (double v : new double[] {lo, hi, c.mean(), c.median(), c.std(), c.count(), c.iterations()})
                    h = h * 31 + Double.doubleToLongBits(v);
            }
        return h;
    }

    static List<float[][]> copies(List<float[][]> frames) {
        List<float[][]> out = new ArrayList<>();
        for (float[][] f : frames) {
            float[][] c = new float[f.length][];
            for (int k = 0; k < f.length; k++) { // FrameSurvey's values: the finite ones
                float[] v = new float[f[k].length];
                int m = 0;
                for (float x : f[k]) if (Float.isFinite(x)) v[m++] = x;
                c[k] = Arrays.copyOf(v, m);
            }
            out.add(c);
        }
        return out;
    }

    private static final SkyCells.Work WORK = new SkyCells.Work();

    private static List<SkyCells> cells;

    /** The fits of every frame against the first (the cells summed once, before the first round, as the survey does). */
    private static long fits(List<float[][]> frames, int w, int h) {
        if (cells == null) {
            cells = new ArrayList<>();
            for (float[][] f : frames) {
                SkyCells s = new SkyCells(w, h, f.length);
                for (int y = 0; y < h; y++) for (int c = 0; c < f.length; c++) s.addRow(c, y, f[c], y * w);
                cells.add(s.finish());
            }
        }
        long sum = 0;
        for (int i = 1; i < cells.size(); i++)
            for (int c = 0; c < frames.get(i).length; c++) {
                SkyCells.Fit fit = SkyCells.fit(cells.get(0), cells.get(i), c, WORK);
                for (double v : new double[] {fit.gain(), fit.offset(), fit.shared(), fit.skyOffset()})
                    sum = sum * 31 + Double.doubleToLongBits(v);
                sum = sum * 31 + (fit.why() == null ? 0 : fit.why().hashCode());
            }
        return sum;
    }

    private static final FrameSurvey.Scratch SCRATCH = new FrameSurvey.Scratch();

    /** FrameSurvey's work on each frame as its run() does it: measure (with cells), then the fits against the first frame. */
    private static long survey(List<float[][]> frames, int w, int h) throws java.io.IOException {
        FrameSurvey.Needs needs = FrameSurvey.Needs.of(StackParams.defaults());
        SkyCells ref = null;
        long sum = 0;
        for (float[][] f : frames) {
            FrameSurvey.Measured m = FrameSurvey.measure(new SurveyStatsTest.Planes(w, h, f), needs, true, SCRATCH);
            FrameStats st = m.stats();
            for (int c = 0; c < f.length; c++)
                for (double v : new double[] {st.pLow()[c], st.pHigh()[c], st.noiseSigma()[c], st.finite()[c]})
                    sum = sum * 31 + Double.doubleToLongBits(v);
            if (ref == null) {
                ref = m.cells();
                continue;
            }
            for (int c = 0; c < f.length; c++) {
                SkyCells.Fit fit = SkyCells.fit(ref, m.cells(), c, SCRATCH.fitWork);
                for (double v : new double[] {fit.gain(), fit.offset(), fit.shared(), fit.skyOffset()})
                    sum = sum * 31 + Double.doubleToLongBits(v);
            }
        }
        return sum;
    }

    /** Bilinear shift by (dx, dy) ∈ [0, 1)², NaN where a sample falls outside. */
    private static float[][] shift(float[][] src, int w, int h, double dx, double dy) {
        float[][] out = new float[src.length][w * h];
        for (int c = 0; c < src.length; c++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    if (x + 1 >= w || y + 1 >= h) {
                        out[c][y * w + x] = Float.NaN;
                        continue;
                    }
                    float[] p = src[c];
                    int i = y * w + x;
                    double v = (1 - dy) * ((1 - dx) * p[i] + dx * p[i + 1]) + dy * ((1 - dx) * p[i + w] + dx * p[i + w + 1]);
                    out[c][i] = (float) v;
                }
        return out;
    }
}
