package org.tessera.bench.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import nom.tam.fits.Fits;
import nom.tam.fits.FitsFactory;
import nom.tam.fits.FitsException;

import org.tessera.Progress;
import org.tessera.image.FloatImage;
import org.tessera.plan.ResourcePlan;
import org.tessera.stack.HeapWatch;
import org.tessera.stack.StackCore;
import org.tessera.stack.StackParams;
import org.tessera.stack.StackResult;

/**
 * Stack benchmark (not a test), driven by bench/stack/run.sh:
 * <pre>
 * generate DIR N W H                     synthetic RGB frames synth_NNNN.fit (float32, nom-tam)
 * stack OUT.fit REJ NORM WEIGHT FILE|DIR...  stack FITS frames with Tessera, print a RESULT line
 * </pre>
 * REJ: winsorized | kappa | linear | none; NORM: none | linear_fit | sky_mean; WEIGHT: none |
 * noise_variance | noise_fwhm. The synthetic sky is in [0, 1] (what Siril expects of float data):
 * sky ≈ 0.1, noise σ = 0.01, 400 stars, cosmic rays in every frame, a satellite trail every 20 frames.
 */
public final class StackBench {
    private StackBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) throw new IllegalArgumentException("usage: generate DIR N W H | stack OUT REJ NORM WEIGHT FILES... | aligned DIR N");
        switch (args[0]) {
            case "generate" -> generate(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]));
            case "stack" -> stack(args);
            case "aligned" -> aligned(Path.of(args[1]), Integer.parseInt(args[2]));
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    static void generate(Path dir, int n, int w, int h) throws IOException, FitsException {
        Files.createDirectories(dir);
        long bytes = 4L * 3 * w * h;
        int have = 0;
        for (int f = 0; f < n; f++) {
            Path p = dir.resolve(name(f));
            if (Files.isRegularFile(p) && Files.size(p) >= bytes) have++;
        }
        if (have == n && !hasWcs(dir.resolve(name(0)))) have = 0; // frames of an older bench, without the WCS

        if (have == n) {
            System.out.println("synthetic frames already present: " + n + " in " + dir);
            return;
        }
        SplittableRandom layout = new SplittableRandom(42);
        float[][] truth = new float[3][w * h];
        double[] sky = {0.10, 0.12, 0.08};
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) truth[c][y * w + x] = (float) (sky[c] * (1 + 0.2 * x / w + 0.1 * y / h));
        double sig = 1.6;
        for (int s = 0; s < 400; s++) {
            double cx = layout.nextDouble() * w, cy = layout.nextDouble() * h, amp = 0.6 * Math.pow(layout.nextDouble(), 3);
            for (int y = Math.max(0, (int) cy - 8); y < Math.min(h, (int) cy + 9); y++)
                for (int x = Math.max(0, (int) cx - 8); x < Math.min(w, (int) cx + 9); x++) {
                    double g = amp * Math.exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (2 * sig * sig));
                    for (int c = 0; c < 3; c++) truth[c][y * w + x] += (float) g;
                }
        }
        float[][][] cube = new float[3][h][w];
        for (int f = 0; f < n; f++) {
            SplittableRandom rnd = new SplittableRandom(1000 + f);
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < h; y++) {
                    float[] row = cube[c][y];
                    for (int x = 0; x < w; x++) row[x] = truth[c][y * w + x] + (float) (0.01 * rnd.nextGaussian());
                }
            for (int k = 0; k < w * h / 2000; k++) { // cosmic rays: 0.05 % of the pixels
                int x = rnd.nextInt(w), y = rnd.nextInt(h);
                for (int c = 0; c < 3; c++) cube[c][y][x] = Math.min(1f, cube[c][y][x] + 0.5f);
            }
            if (f % 20 == 7) { // a satellite trail
                double a = rnd.nextDouble() * Math.PI;
                double cx = w / 2.0, cy = h / 2.0;
                for (int t = -w; t < w; t++) {
                    int x = (int) Math.round(cx + t * Math.cos(a)), y = (int) Math.round(cy + t * Math.sin(a));
                    for (int d = -1; d <= 1; d++)
                        if (x >= 0 && x < w && y + d >= 0 && y + d < h)
                            for (int c = 0; c < 3; c++) cube[c][y + d][x] = Math.min(1f, cube[c][y + d][x] + 0.3f);
                }
            }
            try (Fits fits = new Fits()) {
                nom.tam.fits.BasicHDU<?> hdu = FitsFactory.hduFactory(cube);
                addSharedWcs(hdu.getHeader(), w, h);
                fits.addHDU(hdu);
                fits.write(dir.resolve(name(f)).toFile());
            }
        }
        System.out.println("generated " + n + " synthetic frames " + w + "x" + h + "x3 in " + dir);
    }

    /**
     * One TAN WCS shared by every frame (2"/px around RA 150, Dec 30, the grid of {@link #aligned}):
     * {@code tessera stack} needs a WCS on its inputs; Siril ignores it for a plain stack.
     */
    static void addSharedWcs(nom.tam.fits.Header hdr, int w, int h) throws nom.tam.fits.HeaderCardException {
        double s = 2.0 / 3600;
        hdr.addValue("CTYPE1", "RA---TAN", "");
        hdr.addValue("CTYPE2", "DEC--TAN", "");
        hdr.addValue("CRPIX1", (w + 1) / 2.0, "");
        hdr.addValue("CRPIX2", (h + 1) / 2.0, "");
        hdr.addValue("CRVAL1", 150.0, "");
        hdr.addValue("CRVAL2", 30.0, "");
        hdr.addValue("CD1_1", -s, "");
        hdr.addValue("CD1_2", 0.0, "");
        hdr.addValue("CD2_1", 0.0, "");
        hdr.addValue("CD2_2", s, "");
    }

    static boolean hasWcs(Path p) throws IOException {
        try (Fits fits = new Fits(p.toFile())) {
            return fits.getHDU(0).getHeader().containsKey("CTYPE1");
        } catch (FitsException e) {
            return false;
        }
    }

    static String name(int f) {
        return String.format(Locale.ROOT, "synth_%04d.fit", f + 1);
    }

    static void stack(String[] args) throws Exception {
        Path out = Path.of(args[1]);
        StackParams.Rejection rej = switch (args[2]) {
            case "winsorized" -> StackParams.Rejection.WINSORIZED_SIGMA_CLIP;
            case "kappa" -> StackParams.Rejection.KAPPA_SIGMA;
            case "linear" -> StackParams.Rejection.LINEAR_FIT_CLIP;
            case "none" -> StackParams.Rejection.NONE;
            default -> throw new IllegalArgumentException("rejection " + args[2]);
        };
        StackParams p = StackParams.defaults().with(rej, StackParams.Combine.MEAN).with(
                StackParams.Normalize.valueOf(args[3].toUpperCase(Locale.ROOT)),
                StackParams.Weighting.valueOf(args[4].toUpperCase(Locale.ROOT)));
        List<Path> files = new ArrayList<>();
        for (int i = 5; i < args.length; i++) {
            Path a = Path.of(args[i]);
            if (Files.isDirectory(a)) {
                try (Stream<Path> s = Files.list(a)) {
                    s.filter(f -> f.toString().matches(".*\\.(fit|fits|fts)$")).sorted().forEach(files::add);
                }
            } else {
                files.add(a);
            }
        }
        HeapWatch.start();
        long t0 = System.nanoTime();
        List<FitsRowSource> frames = new ArrayList<>();
        for (Path f : files) frames.add(new FitsRowSource(f));
        FitsRowSource f0 = frames.get(0);
        // The result image is the caller's: allocated before the plan looks at the free heap.
        FloatImage result = new FloatImage(f0.width(), f0.height(), f0.channels());
        ResourcePlan plan = ResourcePlan.fromRuntime(null);
        StackResult r = StackCore.stack(frames, p, result, null, Progress.NONE, plan);
        for (FitsRowSource f : frames) f.close();
        long t1 = System.nanoTime();
        writeFits(out, result);
        double secs = (t1 - t0) / 1e9;
        double mpix = f0.width() * (double) f0.height() / 1e6;
        System.out.printf(Locale.ROOT, "RESULT frames=%d size=%dx%dx%d stack_s=%.3f frames_per_s=%.2f mpix_frames_per_s=%.1f "
                        + "rejected_pct=%.3f plan_budget_mib=%.1f live_heap_mib=%.1f layout=\"%s\"%n",
                frames.size(), f0.width(), f0.height(), f0.channels(), secs, frames.size() / secs,
                mpix * frames.size() / secs, r.rejectedPct(), plan.budgetBytes() / 1048576.0,
                HeapWatch.maxLiveBytes() / 1048576.0,
                plan.layoutStack(f0.width(), f0.height(), f0.channels(), frames.size(), false).describe());
    }

    /**
     * Frames that share one WCS, stacked (kappa-sigma 3/3, mean) as Phase 3 and {@code tessera stack}
     * see them on the tile grid: resampled (bilinear {@code ReprojectedSource}, what every frame but
     * the reference went through before) and read straight through ({@code ShiftedSource.onGrid}),
     * against the stack core on the files alone. Prints the best time of each over interleaved
     * rounds (-Drounds=5) and the largest difference between the two stacked results.
     */
    static void aligned(Path dir, int n) throws Exception {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(f -> f.toString().endsWith(".fit")).sorted().limit(n).forEach(files::add);
        }
        StackParams p = StackParams.defaults().with(StackParams.Rejection.KAPPA_SIGMA, StackParams.Combine.MEAN)
                .with(StackParams.Normalize.NONE, StackParams.Weighting.NONE);
        List<FitsRowSource> frames = new ArrayList<>();
        for (Path f : files) frames.add(new FitsRowSource(f));
        FitsRowSource f0 = frames.get(0);
        int w = f0.width(), h = f0.height();
        double s = 2.0 / 3600;
        org.tessera.wcs.FitsWcs wcs = new org.tessera.wcs.FitsWcs(org.tessera.wcs.Projection.forCode("TAN"),
                (w + 1) / 2.0, (h + 1) / 2.0, 150, 30, -s, 0, 0, s);
        org.tessera.wcs.WcsGrid grid = new org.tessera.wcs.WcsGrid(wcs, w, h);
        String[] names = {"core", "resampled", "straight"};
        FloatImage[] out = new FloatImage[3];
        double[] secs = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        int rounds = Integer.getInteger("rounds", 5);
        for (int rep = 0; rep < rounds; rep++) // interleaved rounds, the best of each: the machine may be shared
            for (int k = 0; k < 3; k++) {
                List<org.tessera.image.RowSource> src = new ArrayList<>();
                for (FitsRowSource f : frames)
                    src.add(k == 0 ? f : k == 1 ? new org.tessera.reproject.ReprojectedSource(f, wcs, grid)
                            : org.tessera.reproject.ShiftedSource.onGrid(f, wcs, grid));
                out[k] = new FloatImage(w, h, f0.channels());
                long t0 = System.nanoTime();
                StackCore.stack(src, p, out[k], null, Progress.NONE);
                secs[k] = Math.min(secs[k], (System.nanoTime() - t0) / 1e9);
            }
        double maxDiff = 0;
        for (int c = 0; c < f0.channels(); c++)
            for (int i = 0; i < w * h; i++) {
                float a = out[1].plane(c)[i], b = out[2].plane(c)[i];
                if (Float.isNaN(a) != Float.isNaN(b)) maxDiff = Double.POSITIVE_INFINITY;
                else if (!Float.isNaN(a)) maxDiff = Math.max(maxDiff, Math.abs(a - b));
            }
        for (int k = 0; k < 3; k++)
            System.out.printf(Locale.ROOT, "RESULT %s frames=%d size=%dx%dx%d best_stack_s=%.3f%n", names[k], frames.size(), w, h,
                    f0.channels(), secs[k]);
        System.out.printf(Locale.ROOT, "RESULT max |resampled - straight| = %.3g%n", maxDiff);
        for (FitsRowSource f : frames) f.close();
    }

    static void writeFits(Path out, FloatImage img) throws IOException, FitsException {
        Files.createDirectories(out.toAbsolutePath().getParent());
        int w = img.width(), h = img.height(), nc = img.channels();
        Object data;
        if (nc == 1) {
            float[][] d = new float[h][w];
            for (int y = 0; y < h; y++) System.arraycopy(img.plane(0), y * w, d[y], 0, w);
            data = d;
        } else {
            float[][][] d = new float[nc][h][w];
            for (int c = 0; c < nc; c++)
                for (int y = 0; y < h; y++) System.arraycopy(img.plane(c), y * w, d[c][y], 0, w);
            data = d;
        }
        try (Fits fits = new Fits()) {
            fits.addHDU(FitsFactory.hduFactory(data));
            fits.write(out.toFile());
        }
    }
}
