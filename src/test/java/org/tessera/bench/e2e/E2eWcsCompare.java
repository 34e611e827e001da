package org.tessera.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import nom.tam.fits.Fits;
import nom.tam.fits.Header;

import org.tessera.wcs.FitsWcs;

/**
 * How far apart the WCS that two end-to-end runs placed their raw frames with are, and how far each
 * is from the truth the frames were drawn with (bench/e2e/run.sh, docs/benchmarks.md): for every
 * frame of {@code TRUTH_DIR} ({@code <frame>.wcs}), the largest distance in pixels, over a 9 × 9
 * grid of points spanning the frame, between where run A's WCS and run B's WCS (or the truth) put
 * the same sky position. Prints the largest and the RMS of those distances over all frames. Not a
 * test.
 *
 * <pre>java ... org.tessera.bench.e2e.E2eWcsCompare TRUTH_DIR OUT_A OUT_B [WIDTH HEIGHT]</pre>
 */
public final class E2eWcsCompare {

    private E2eWcsCompare() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: E2eWcsCompare TRUTH_DIR OUT_A OUT_B [WIDTH HEIGHT]");
            System.exit(2);
        }
        Path truthDir = Path.of(args[0]), a = Path.of(args[1], "solved_wcs"), b = Path.of(args[2], "solved_wcs");
        int w = args.length > 3 ? Integer.parseInt(args[3]) : 1080, h = args.length > 4 ? Integer.parseInt(args[4]) : 1920;
        List<Path> truths;
        try (Stream<Path> s = Files.list(truthDir)) {
            truths = s.filter(p -> p.getFileName().toString().endsWith(".wcs")).sorted().toList();
        }
        double[] ab = new double[3], at = new double[3], bt = new double[3]; // max, sum of squares, count
        int missing = 0;
        for (Path t : truths) {
            String frame = t.getFileName().toString().replaceFirst("\\.wcs$", "");
            FitsWcs wt = read(t), wa = cached(a, frame), wb = cached(b, frame);
            if (wa == null || wb == null) {
                missing++;
                continue;
            }
            add(ab, distance(wa, wb, w, h));
            add(at, distance(wa, wt, w, h));
            add(bt, distance(wb, wt, w, h));
        }
        System.out.printf(Locale.ROOT, "%d frames compared, %d not placed by both runs%n", (int) ab[2], missing);
        print("A vs B", ab);
        print("A vs truth", at);
        print("B vs truth", bt);
    }

    private static void add(double[] acc, double d) {
        acc[0] = Math.max(acc[0], d);
        acc[1] += d * d;
        acc[2]++;
    }

    private static void print(String what, double[] acc) {
        System.out.printf(Locale.ROOT, "%-11s largest %.5f px, RMS %.5f px (per frame: largest over a 9x9 grid)%n", what, acc[0],
                Math.sqrt(acc[1] / Math.max(1, acc[2])));
    }

    /** Largest distance (px, in the frame) between where u and v put the sky of a 9 × 9 grid of the frame's pixels. */
    static double distance(FitsWcs u, FitsWcs v, int w, int h) {
        double[] sky = new double[2], p = new double[2];
        double worst = 0;
        for (int j = 0; j <= 8; j++)
            for (int i = 0; i <= 8; i++) {
                double x = (w - 1) * i / 8.0, y = (h - 1) * j / 8.0;
                u.pixelToWorld(x, y, sky);
                v.worldToPixel(sky[0], sky[1], p);
                worst = Math.max(worst, Math.hypot(p[0] - x, p[1] - y));
            }
        return worst;
    }

    private static FitsWcs cached(Path dir, String frame) throws Exception {
        List<Path> hits = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().startsWith(frame + ".")).forEach(hits::add);
        }
        return hits.size() == 1 ? read(hits.get(0)) : null;
    }

    private static FitsWcs read(Path file) throws IOException {
        try (Fits f = new Fits(file.toFile())) {
            Header hd = f.readHDU().getHeader();
            return FitsWcs.fromHeader(hd);
        } catch (Exception e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }
}
