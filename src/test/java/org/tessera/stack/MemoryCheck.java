package org.tessera.stack;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import org.tessera.Progress;
import org.tessera.plan.ResourcePlan;

/**
 * Child-JVM program of {@link StackMemoryTest}: {@code generate DIR N W H C} writes N frames of a
 * known sky with noise σ = {@value #SIGMA} as raw float32 files; {@code stack DIR N W H C OUT}
 * stacks them with the default parameters and the plan of its own (small) heap, writes OUT, and
 * prints what it used as KEY=VALUE lines; {@code stack-whole} does the same with a layout that asks for
 * the whole cube at once, whatever the heap. The truth is procedural, so the parent can check the
 * result without holding the cube.
 */
public final class MemoryCheck {
    static final double SIGMA = 8;

    /** The noise-free sky: channel levels, a gradient and a grid of Gaussian stars. */
    static double truth(int c, int x, int y, int w, int h) {
        double sky = (c == 0 ? 400 : c == 1 ? 500 : 300) * (1 + 0.05 * x / w);
        double gx = (x % 64) - 32, gy = (y % 64) - 32;
        return sky + 2000 * Math.exp(-(gx * gx + gy * gy) / (2 * 1.5 * 1.5));
    }

    static void generate(Path dir, int n, int w, int h, int nc) throws IOException {
        Files.createDirectories(dir);
        float[][] band = new float[nc][];
        int rows = Math.max(1, Math.min(h, (1 << 20) / w));
        for (int f = 0; f < n; f++) {
            SplittableRandom rnd = new SplittableRandom(1000 + f);
            try (RawFloatFrame out = RawFloatFrame.create(dir.resolve(name(f)), w, h, nc)) {
                for (int c = 0; c < nc; c++) band[c] = new float[rows * w];
                for (int y0 = 0; y0 < h; y0 += rows) {
                    int r = Math.min(rows, h - y0);
                    for (int c = 0; c < nc; c++)
                        for (int i = 0; i < r * w; i++) {
                            int x = i % w, y = y0 + i / w;
                            double v = truth(c, x, y, w, h) + SIGMA * rnd.nextGaussian();
                            if (f % 10 == 3 && y == (x + 7 * f) % h) v += 5000; // a trail per ten frames
                            band[c][i] = (float) v;
                        }
                    out.writeRows(y0, r, band);
                }
            }
        }
    }

    static String name(int f) {
        return String.format(Locale.ROOT, "frame_%04d.f32", f);
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        int n = Integer.parseInt(args[2]), w = Integer.parseInt(args[3]), h = Integer.parseInt(args[4]);
        int nc = Integer.parseInt(args[5]);
        if (args[0].equals("generate")) {
            generate(dir, n, w, h, nc);
            return;
        }
        List<RawFloatFrame> frames = new ArrayList<>();
        for (int f = 0; f < n; f++) frames.add(RawFloatFrame.open(dir.resolve(name(f)), w, h, nc));
        HeapWatch.start();
        ResourcePlan plan = ResourcePlan.fromRuntime(null);
        long t0 = System.nanoTime();
        StackResult r;
        try (RawFloatFrame out = RawFloatFrame.create(Path.of(args[6]), w, h, nc)) {
            if (args[0].equals("stack-whole")) // a layout that ignores the heap: the whole cube at once
                r = StackCore.stack(frames, StackParams.defaults(), out, null, Progress.NONE,
                        new org.tessera.plan.StackLayout(org.tessera.plan.StackLayout.Mode.WHOLE_FRAME, 1, h, 1, n, n,
                                4L * n * w * h * nc, 1, 4L * w * nc, 0, 0), CpuStackBackend.INSTANCE);
            else
                r = StackCore.stack(frames, StackParams.defaults(), out, null, Progress.NONE, plan);
        }
        for (RawFloatFrame f : frames) f.close();
        double secs = (System.nanoTime() - t0) / 1e9;
        long peak = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans())
            if (p.getType() == MemoryType.HEAP) peak += p.getPeakUsage().getUsed();
        System.out.println("MAX_HEAP=" + Runtime.getRuntime().maxMemory());
        System.out.println("PLAN_BUDGET=" + plan.budgetBytes());
        System.out.println("LAYOUT=" + plan.layoutStack(w, h, nc, n, false).describe());
        System.out.println("PEAK_HEAP_POOLS=" + peak);
        System.out.println("MAX_LIVE_AFTER_GC=" + HeapWatch.maxLiveBytes());
        System.out.println("PEAK_RSS_KB=" + peakRssKb());
        System.out.println("FRAMES_USED=" + r.framesUsed());
        System.out.println("REJECTED_PCT=" + r.rejectedPct());
        System.out.println("SECONDS=" + secs);
    }

    static long peakRssKb() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status")))
                if (l.startsWith("VmHWM:")) return Long.parseLong(l.replaceAll("[^0-9]", ""));
        } catch (IOException | NumberFormatException e) {
            // not Linux: unknown
        }
        return -1;
    }
}
