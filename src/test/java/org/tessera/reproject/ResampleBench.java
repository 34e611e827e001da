package org.tessera.reproject;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

import org.tessera.image.AllFinite;
import org.tessera.image.RowSource;
import org.tessera.image.StableRows;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.WcsGrid;

/**
 * Phase 3's resampling alone (not a test): a 1920×1080 three-channel frame held in memory,
 * seen through {@link ReprojectedSource} (bilinear, the direct path) on a 2203² canvas at each
 * rotation given, read in the survey's quarter-canvas bands. Prints the thread's CPU time per
 * frame and a checksum of the output bits, equal before and after a change that keeps the values.
 * <pre>java -cp … org.tessera.reproject.ResampleBench [REPS=5] [ROTATIONS_DEG...=0 12 35]</pre>
 */
public final class ResampleBench {
    private ResampleBench() {}

    public static void main(String[] args) throws Exception {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        double[] rots = args.length > 1 ? Arrays.stream(args, 1, args.length).mapToDouble(Double::parseDouble).toArray()
                : new double[] {0, 12, 35};
        int sw = 1920, sh = 1080, nc = 3, cw = 2203;
        Random r = new Random(7);
        float[][] planes = new float[nc][sw * sh];
        for (float[] p : planes) for (int i = 0; i < p.length; i++) p[i] = (float) (900 + 30 * r.nextGaussian());
        RowSource src = frame(planes, sw, sh);
        FitsWcs fw = TestSkies.tan(315.5, 68.2, 2.39, 0, sw, sh);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (int rep = 0; rep < reps; rep++) {
            StringBuilder line = new StringBuilder("rep " + rep + ":");
            for (double rot : rots) {
                WcsGrid grid = new WcsGrid(TestSkies.tan(315.5, 68.2, 2.39, rot, cw, cw), cw, cw);
                ReprojectedSource a = new ReprojectedSource(src, fw, grid);
                int rows = (cw + 3) / 4;
                float[][] band = a.newBand(rows);
                long sum = 0, t0 = mx.getCurrentThreadCpuTime();
                for (int y0 = 0; y0 < cw; y0 += rows) {
                    int n = Math.min(rows, cw - y0);
                    a.readRows(y0, n, band);
                    sum = sum * 31 + Arrays.hashCode(band[0]) + 7L * Arrays.hashCode(band[2]);
                }
                long cpu = mx.getCurrentThreadCpuTime() - t0;
                line.append(String.format(Locale.ROOT, "  %4.0f°: %6.1f ms (sum %08x)", rot, cpu / 1e6, (int) (sum ^ (sum >>> 32))));
            }
            System.out.println(line);
        }
    }

    private static RowSource frame(float[][] planes, int w, int h) {
        final class F implements RowSource, AllFinite, StableRows {
            @Override public int width() { return w; }
            @Override public int height() { return h; }
            @Override public int channels() { return planes.length; }
            @Override public boolean allFinite() { return true; }
            @Override public void readRows(int y0, int rows, float[][] dst) {
                for (int c = 0; c < planes.length; c++) System.arraycopy(planes[c], y0 * w, dst[c], 0, rows * w);
            }
        }
        return new F();
    }
}
