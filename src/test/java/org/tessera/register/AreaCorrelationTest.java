package org.tessera.register;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import nom.tam.fits.Fits;
import nom.tam.fits.Header;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.image.FloatImage;
import org.tessera.io.FitsFrame;
import org.tessera.pipeline.MosaicPipeline;

/**
 * The area-correlation fallback of {@link FrameRegistrar} for frames whose stars are too faint for
 * the star detector: synthetic frames of faint stars under a sensor's fixed pattern (known
 * sub-pixel shifts), pure noise sharing that fixed pattern (must not register), and the real M 13
 * frames (../shared/data/m13_raw_frames; skipped when absent).
 */
class AreaCorrelationTest {

    static final int W = 800, H = 600;
    static final double SKY = 510, NOISE = 21;

    /** A sensor's fixed pattern: per-pixel offsets (σ 11, correlated along rows to lag 2, as the M 13 camera's), column and row offsets (σ 3), 40 hot pixels. */
    static float[] fixedPattern(long seed) {
        return fixedPattern(seed, W, H, 11, 40);
    }

    /** {@link #fixedPattern(long)} of another size, per-pixel σ and number of hot pixels (+2000 ADU each). */
    static float[] fixedPattern(long seed, int w, int h, double sigma, int hot) {
        Random r = new Random(seed);
        double[] white = new double[w * h];
        for (int i = 0; i < white.length; i++) white[i] = sigma * r.nextGaussian();
        double[] col = new double[w], row = new double[h];
        for (int x = 0; x < w; x++) col[x] = 3 * r.nextGaussian();
        for (int y = 0; y < h; y++) row[y] = 3 * r.nextGaussian();
        float[] p = new float[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                double v = white[i] + (x >= 1 ? 0.3 * white[i - 1] : 0) - (x >= 2 ? 0.3 * white[i - 2] : 0);
                p[i] = (float) (v + col[x] + row[y]);
            }
        for (int k = 0; k < hot; k++) p[r.nextInt(h) * w + r.nextInt(w)] += 2000;
        return p;
    }

    /** Star field: 600 faint stars (Gaussian σ 1.3 px, peaks 10–70 ADU: under the detector's 5σ), and 150 more round a faint glow. */
    static double[][] field(long seed) {
        Random r = new Random(seed);
        double[][] s = new double[750][];
        for (int i = 0; i < 600; i++) s[i] = new double[] {r.nextDouble() * W, r.nextDouble() * H, 10 + 60 * r.nextDouble()};
        for (int i = 600; i < 750; i++)
            s[i] = new double[] {0.45 * W + 30 * r.nextGaussian(), 0.5 * H + 30 * r.nextGaussian(), 10 + 50 * r.nextDouble()};
        return s;
    }

    /** A frame: sky + glow + the stars moved by −(dx, dy) (so that its pixel p lies at the reference's p + (dx, dy)) + pattern + noise. */
    static FloatImage frame(double[][] stars, double dx, double dy, float[] pattern, long seed) {
        FloatImage img = new FloatImage(W, H, 1);
        float[] p = img.plane(0);
        Random r = new Random(seed);
        double gx = 0.45 * W - dx, gy = 0.5 * H - dy;
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                double g = 25 * Math.exp(-((x - gx) * (x - gx) + (y - gy) * (y - gy)) / (2 * 40.0 * 40.0));
                p[y * W + x] = (float) (SKY + g + NOISE * r.nextGaussian() + (pattern == null ? 0 : pattern[y * W + x]));
            }
        if (stars != null)
            for (double[] s : stars) {
                double sx = s[0] - dx, sy = s[1] - dy;
                int x0 = (int) Math.floor(sx), y0 = (int) Math.floor(sy);
                for (int y = Math.max(0, y0 - 6); y <= Math.min(H - 1, y0 + 6); y++)
                    for (int x = Math.max(0, x0 - 6); x <= Math.min(W - 1, x0 + 6); x++)
                        p[y * W + x] += (float) (s[2] * Math.exp(-((x - sx) * (x - sx) + (y - sy) * (y - sy)) / (2 * 1.3 * 1.3)));
            }
        return img;
    }

    @Test
    void faintStarsUnderAFixedPatternRegisterToATenthOfAPixel() {
        float[] pattern = fixedPattern(5);
        double[][] stars = field(7);
        FrameRegistrar reg = new FrameRegistrar();
        FrameRegistrar.Reference ref = reg.reference("ref", frame(stars, 0, 0, pattern, 1));
        assertTrue(ref.stars().size() < 8, "the stars are too faint for the detector: " + ref.stars().size());
        double[][] shifts = {{10.3, -4.7}, {-17.6, 6.25}, {25.45, 12.8}, {-6.35, -9.15}, {41.8, -22.4}};
        double worst = 0;
        for (int i = 0; i < shifts.length; i++) {
            Registration r = reg.register(ref, "m" + i, frame(stars, shifts[i][0], shifts[i][1], pattern, 100 + i));
            assertTrue(r.ok(), r.failure());
            assertEquals(Registration.Method.AREA_CORRELATION, r.method());
            double ex = r.transform().c() - shifts[i][0], ey = r.transform().f() - shifts[i][1];
            System.out.printf(Locale.ROOT, "[AREA] shift (%.2f, %.2f): found (%.3f, %.3f), error (%.3f, %.3f) px, peak S/N %.1f%n",
                    shifts[i][0], shifts[i][1], r.transform().c(), r.transform().f(), ex, ey, r.peakSnr());
            assertEquals(1, r.transform().a(), 0);
            assertEquals(0, r.transform().b(), 0);
            assertTrue(r.peakSnr() > 2 * AreaCorrelation.MIN_SNR, "S/N " + r.peakSnr());
            worst = Math.max(worst, Math.hypot(ex, ey));
        }
        assertTrue(worst < 0.2, "worst error " + worst + " px");
    }

    @Test
    void smallShiftsInsideTheFixedPatternsFootprintAreApproximate() {
        // the zero-shift footprint (± 2 px) is interpolated over: a frame that moved by less is
        // registered near its shift, not on the pattern's zero
        float[] pattern = fixedPattern(5);
        double[][] stars = field(7);
        FrameRegistrar reg = new FrameRegistrar();
        FrameRegistrar.Reference ref = reg.reference("ref", frame(stars, 0, 0, pattern, 1));
        double[][] shifts = {{1.4, -0.8}, {-2.6, 1.7}};
        for (int i = 0; i < shifts.length; i++) {
            Registration r = reg.register(ref, "s" + i, frame(stars, shifts[i][0], shifts[i][1], pattern, 200 + i));
            assertTrue(r.ok(), r.failure());
            double e = Math.hypot(r.transform().c() - shifts[i][0], r.transform().f() - shifts[i][1]);
            System.out.printf(Locale.ROOT, "[AREA] small shift (%.2f, %.2f): found (%.3f, %.3f), error %.3f px, S/N %.1f%n",
                    shifts[i][0], shifts[i][1], r.transform().c(), r.transform().f(), e, r.peakSnr());
            assertTrue(e < 0.75, "error " + e);
        }
    }

    @Test
    void pureNoiseSharingTheFixedPatternDoesNotRegister() {
        float[] pattern = fixedPattern(5);
        FrameRegistrar reg = new FrameRegistrar();
        FrameRegistrar.Reference ref = reg.reference("noise0", frame(null, 0, 0, pattern, 1));
        double worst = 0;
        for (int i = 1; i <= 4; i++) {
            Registration r = reg.register(ref, "noise" + i, frame(null, 0, 0, pattern, 300 + i));
            System.out.println("[AREA] " + r.failure());
            assertFalse(r.ok(), "pure noise registered: " + r);
            assertTrue(r.failure().startsWith("the reference noise0 has only 0 stars (need 8); area correlation: no significant peak"),
                    r.failure());
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("S/N ([0-9.]+)").matcher(r.failure());
            assertTrue(m.find());
            worst = Math.max(worst, Double.parseDouble(m.group(1)));
        }
        // 6.5–6.9: under the S/N gate away from the zero shift by 1.5 times
        assertTrue(worst < AreaCorrelation.MIN_SNR_CONFIRMED / 1.5, "noise peaks up to S/N " + worst);
        // and the pattern alone, no noise of its own: the frames are the same pixels but one
        Registration r = reg.register(ref, "same", frame(null, 0, 0, pattern, 1));
        assertFalse(r.ok(), "the fixed pattern registered: " + r);
    }

    @Test
    void starRegisteredFramesDoNotTakeTheFallback() {
        // frames with enough stars are registered by them: the same transform with the fallback off
        FloatImage ref = SyntheticRegistrationTest.REF;
        FloatImage mov = SyntheticRegistrationTest.render(SyntheticRegistrationTest.wcs(0.4, 240 + 7.3, 180 - 4.6), 9);
        FrameRegistrar on = new FrameRegistrar(), off = new FrameRegistrar(FrameRegistrar.Params.defaults().withAreaCorrelation(false));
        Registration a = on.register(on.reference("ref", ref), "mov", mov), b = off.register(off.reference("ref", ref), "mov", mov);
        assertEquals(Registration.Method.TRIANGLES, a.method());
        assertEquals(b, a);
    }

    static final Path M13 = Paths.get("../shared/data/m13_raw_frames");
    /** Frames 1, 2, 4, 5 on frame 3: the smoothed cross-correlation's first estimate (integer px). */
    static final double[][] M13_EXPECTED = {{-25, 3}, {-13, 2}, {10, 0}, {22, 0}};
    /** The same by star centroids (src/test/resources/fixtures/register/m13_star_offsets.py; ± 0.2–0.27 px). */
    static final double[][] M13_STARS = {{-24.70, 3.26}, {-12.81, 2.61}, {10.06, 0.27}, {21.91, 0.24}};

    @Test
    void m13FramesRegisterByAreaCorrelation(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(M13), "skipped: ../shared/data/m13_raw_frames not found");
        List<Path> files = new ArrayList<>();
        for (int i = 1; i <= 5; i++) files.add(M13.resolve("M13_blue_000" + i + ".fits"));
        FrameRegistrar reg = new FrameRegistrar();
        FrameRegistrar.Reference ref = reg.reference(FitsFrame.open(files.get(2)));
        assertEquals(0, ref.stars().size(), "the stars of M13_blue_0003 are too faint for the detector");
        int k = 0;
        for (int i : new int[] {0, 1, 3, 4}) {
            Registration r = reg.register(ref, FitsFrame.open(files.get(i)));
            assertTrue(r.ok(), r.failure());
            assertEquals(Registration.Method.AREA_CORRELATION, r.method());
            double dx = r.transform().c(), dy = r.transform().f();
            System.out.printf(Locale.ROOT, "[AREA] %s: (%.2f, %.2f) px, S/N %.1f; expected (%.0f, %.0f), by stars (%.2f, %.2f)%n",
                    files.get(i).getFileName(), dx, dy, r.peakSnr(), M13_EXPECTED[k][0], M13_EXPECTED[k][1], M13_STARS[k][0], M13_STARS[k][1]);
            assertEquals(M13_EXPECTED[k][0], dx, 1.0);
            assertEquals(M13_EXPECTED[k][1], dy, 1.0);
            assertEquals(M13_STARS[k][0], dx, 0.6);
            assertEquals(M13_STARS[k][1], dy, 0.6);
            assertTrue(r.peakSnr() > 2 * AreaCorrelation.MIN_SNR, "S/N " + r.peakSnr()); // 49.7–53.8
            // the cluster's glow carries most of it; the stars' sharp detail, the high band, 14.4–16.2
            org.tessera.image.FloatImage l = org.tessera.detect.Luminance.of(FrameRegistrar.starPixels(FitsFrame.open(files.get(i))));
            AreaCorrelation.Peak p = AreaCorrelation.peak(ref.area(), AreaCorrelation.prepare(l.plane(0), l.width(), l.height()));
            System.out.printf(Locale.ROOT, "[AREA] %s: high band S/N %.2f%n", files.get(i).getFileName(), p.highSnr());
            assertEquals(dx, p.dx(), 0);
            assertTrue(p.highSnr() > 1.75 * AreaCorrelation.MIN_HIGH_SNR, "high band " + p.highSnr());
            k++;
        }
        // cost (printed, not asserted): the four registrations again, the reference prepared
        List<FitsFrame> moving = new ArrayList<>();
        for (int i : new int[] {0, 1, 3, 4}) moving.add(FitsFrame.open(files.get(i)));
        for (int round = 1; round <= 3; round++) {
            long t0 = System.nanoTime();
            for (FitsFrame f : moving) assertTrue(reg.register(ref, f).ok());
            System.out.printf(Locale.ROOT, "[AREA] round %d: 4 registrations in %.0f ms%n", round, (System.nanoTime() - t0) / 1e6);
        }
        // the stack (tessera stack's path): all five frames, in the pixels of M13_blue_0003
        Path tile = tmp.resolve("m13.fits");
        MosaicPipeline.Outcome o = MosaicPipeline.stack(tile, files, new Config(), Progress.NONE);
        assertEquals(List.of(), o.skipped());
        try (Fits f = new Fits(tile.toFile())) {
            Header h = f.getHDU(0).getHeader();
            assertEquals(5, h.getIntValue("HIERARCH.MT_NFRAMES"));
            assertEquals("pixels of M13_blue_0003.fits", h.getStringValue("TS_FRAME"));
        }
    }

    @Test
    void inAMosaicTheM13FramesGetTheSolvedReferencesWcsComposedWithTheirShift(@TempDir Path tmp) throws Exception {
        // the mosaic's raw path: the frames given a pointing and a focal length (so that the group
        // is solved), a stand-in solver answering for the middle frame; the others are registered
        // on it by area correlation and get its WCS composed with their shift
        Assumptions.assumeTrue(Files.isDirectory(M13), "skipped: ../shared/data/m13_raw_frames not found");
        List<FitsFrame> frames = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            Path out = tmp.resolve("in").resolve("M13_blue_000" + i + ".fits");
            Files.createDirectories(out.getParent());
            try (Fits f = new Fits(M13.resolve(out.getFileName()).toFile())) {
                nom.tam.fits.BasicHDU<?> hdu = f.readHDU();
                hdu.getHeader().addValue("RA", 250.423, "test: M 13");
                hdu.getHeader().addValue("DEC", 36.461, "test: M 13");
                hdu.getHeader().addValue("FOCALLEN", 500.0, "test");
                try (Fits o = new Fits()) {
                    o.addHDU(hdu);
                    o.write(out.toFile());
                }
            }
            frames.add(FitsFrame.open(out));
        }
        org.tessera.wcs.FitsWcs solved = new org.tessera.wcs.FitsWcs(org.tessera.wcs.Projections.TAN, 696.5, 520.5, 250.423, 36.461,
                -2.66 / 3600, 0, 0, 2.66 / 3600);
        List<String> asked = new ArrayList<>();
        org.tessera.solve.PlateSolver standIn = new org.tessera.solve.PlateSolver() {
            @Override public String name() { return "stand-in"; }
            @Override public org.tessera.solve.Solution solve(Path image, org.tessera.solve.SolveHints hints, Path workDir) {
                asked.add(image.getFileName().toString());
                return org.tessera.solve.Solution.solved(solved, 0.1);
            }
        };
        org.tessera.solve.RawFrameAstrometry stage = new org.tessera.solve.RawFrameAstrometry(
                new org.tessera.solve.Solvers.Choice(standIn, null), org.tessera.solve.FrameAligner.stars(new FrameRegistrar()),
                new org.tessera.solve.WcsCache(tmp.resolve("out")), 3.0, false, 2);
        org.tessera.solve.RawFrameAstrometry.Result r = stage.place(frames, Progress.NONE);
        assertEquals(List.of("M13_blue_0003.fits"), asked, "one solve, the middle frame");
        assertEquals(List.of(), r.unplaced());
        assertEquals(5, r.frames().size());
        assertEquals(4, r.registered());
        double[] sky = new double[2], ref = new double[2];
        int k = 0;
        for (FitsFrame f : r.frames()) {
            if (f.name().equals("M13_blue_0003.fits")) continue;
            // the frame's pixel (100, 200) on the sky is the reference's pixel (100, 200) + its shift
            f.wcs().pixelToWorld(100, 200, sky);
            solved.worldToPixel(sky[0], sky[1], ref);
            System.out.printf(Locale.ROOT, "[AREA] mosaic path: %s at reference pixel (%.3f, %.3f)%n", f.name(), ref[0], ref[1]);
            assertEquals(100 + M13_STARS[k][0], ref[0], 0.6);
            assertEquals(200 + M13_STARS[k][1], ref[1], 0.6);
            k++;
        }
    }

    @Test
    void areaCorrelationIsTheSameForAnyThreadCount() {
        // registerAll runs frames in parallel: each result depends only on its two frames
        float[] pattern = fixedPattern(5);
        double[][] stars = field(7);
        FrameRegistrar reg = new FrameRegistrar();
        FrameRegistrar.Reference ref = reg.reference("ref", frame(stars, 0, 0, pattern, 1));
        FloatImage a = frame(stars, 10.3, -4.7, pattern, 100);
        Registration one = reg.register(ref, "m", a);
        List<Registration> many = java.util.stream.IntStream.range(0, 4).parallel()
                .mapToObj(i -> reg.register(ref, "m", a)).toList();
        for (Registration r : many) assertEquals(one, r);
    }
}
