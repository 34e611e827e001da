package org.tessera.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.detect.Luminance;
import org.tessera.detect.Star;
import org.tessera.detect.StarDetector;
import org.tessera.image.FloatImage;

/**
 * The hot-pixel guard on real raw Seestar frames: every detected star keeps its flux within 0.5%
 * (where the original's rule alone clips many), and hot photosites planted in the raw CFA vanish.
 */
class HotPixelsStarSafetyTest {

    static final Path RAW = Path.of("../shared/data/seestar_m94_raw");
    static final String[] FRAMES = {
            "night1/Light_M_94_10.0s_IRCUT_20250326-212046.fit",
            "night2/Light_M_94_10.0s_IRCUT_20250327-014513.fit"};

    /** Aperture sum above the given background, radius max(3, 1.5·FWHM), 99.8% of a Gaussian star. */
    static double flux(float[] p, int w, int h, Star s, double bg) {
        double r = Math.max(3, 1.5 * s.fwhm()), sum = 0;
        for (int y = (int) Math.floor(s.y() - r); y <= (int) Math.ceil(s.y() + r); y++)
            for (int x = (int) Math.floor(s.x() - r); x <= (int) Math.ceil(s.x() + r); x++)
                if (x >= 0 && y >= 0 && x < w && y < h && Math.hypot(x - s.x(), y - s.y()) <= r) sum += p[y * w + x] - bg;
        return sum;
    }

    /** Median and standard deviation of the annulus [r + 3, r + 8] around the star. */
    static double[] background(float[] p, int w, int h, Star s) {
        double r = Math.max(3, 1.5 * s.fwhm()), sum = 0, sq = 0;
        List<Float> v = new ArrayList<>();
        for (int y = (int) (s.y() - r - 9); y <= s.y() + r + 9; y++)
            for (int x = (int) (s.x() - r - 9); x <= s.x() + r + 9; x++) {
                double d = Math.hypot(x - s.x(), y - s.y());
                if (x >= 0 && y >= 0 && x < w && y < h && d >= r + 3 && d <= r + 8) {
                    v.add(p[y * w + x]);
                    sum += p[y * w + x];
                    sq += (double) p[y * w + x] * p[y * w + x];
                }
            }
        v.sort(null);
        double mean = sum / v.size();
        return new double[] {v.get(v.size() / 2), Math.sqrt(Math.max(0, sq / v.size() - mean * mean))};
    }

    static int apertureArea(Star s) {
        double r = Math.max(3, 1.5 * s.fwhm());
        return (int) Math.round(Math.PI * r * r);
    }

    /** Unsaturated stars with a finite FWHM whose aperture and annulus lie inside the image. */
    static List<Star> measurable(List<Star> stars, int w, int h) {
        List<Star> out = new ArrayList<>();
        for (Star s : stars) {
            if (s.saturated() || !Double.isFinite(s.fwhm()) || !(s.flux() > 0)) continue;
            double m = Math.max(3, 1.5 * s.fwhm()) + 9;
            if (s.x() - m >= 0 && s.y() - m >= 0 && s.x() + m < w && s.y() + m < h) out.add(s);
        }
        return out;
    }

    /**
     * Over the stars with a positive flux (one background, the uncorrected frame's, for both):
     * {worst relative flux change, how many changed by more than 0.5%, how many stars}.
     */
    static double[] fluxChanges(FloatImage before, FloatImage after, List<Star> stars) {
        float[] a = before.plane(0), b = after.plane(0);
        int w = before.width(), h = before.height();
        double worst = 0;
        int over = 0, n = 0;
        for (Star s : stars) {
            double bg = background(a, w, h, s)[0], f0 = flux(a, w, h, s, bg);
            if (!(f0 > 0)) continue;
            double d = Math.abs(flux(b, w, h, s, bg) - f0) / f0;
            n++;
            worst = Math.max(worst, d);
            if (d > 0.005) over++;
        }
        return new double[] {worst, over, n};
    }

    @Test
    void everyStarOfRealRawFramesKeepsItsFluxWhereTheOriginalsRuleAloneClipsThem() throws Exception {
        for (String name : FRAMES) {
            Path f = RAW.resolve(name);
            Assumptions.assumeTrue(Files.isRegularFile(f), "skipped: " + f + " not found");
            FitsFrame plain = FitsFrame.open(f);
            FloatImage rgb = FloatImage.copyOf(plain);
            FloatImage lum0 = Luminance.of(rgb), lum1 = Luminance.of(plain.withReading(FrameReading.DEFAULT));
            // Stars: detected with and without the correction (a debayered hot pixel is detected only without),
            // on the bilinear demosaic as registration detects them (the stack's sharper one is noisier
            // pixel to pixel: 38 stars instead of 46 on the night-1 frame); fluxes on the stack's pixels.
            FitsFrame seen = plain.withReading(FrameReading.STAR_DETECTION);
            List<Star> after = new StarDetector().detect(Luminance.of(seen.withReading(FrameReading.STAR_DETECTION.withHotPixels(true)))), stars = new ArrayList<>();
            for (Star s : measurable(new StarDetector().detect(Luminance.of(seen)), rgb.width(), rgb.height()))
                if (after.stream().anyMatch(t -> Math.hypot(t.x() - s.x(), t.y() - s.y()) < 1.5)) stars.add(s);
            double[] guarded = fluxChanges(lum0, lum1, stars);
            // The original: each demosaiced channel through the 5x5 test, no guard.
            for (float[] c : rgb.planes()) {
                float[] out = new float[c.length];
                HotPixels.correct(c, rgb.width(), rgb.height(), 0, rgb.height(), 0, rgb.height(), out, 1, Double.POSITIVE_INFINITY);
                System.arraycopy(out, 0, c, 0, c.length);
            }
            double[] original = fluxChanges(lum0, Luminance.of(rgb), stars);
            System.out.printf("[HOT] %s: %d stars; worst flux change %.4f%%, %d over 0.5%% (the original's rule: worst %.2f%%, %d over 0.5%%)%n",
                    name, (int) guarded[2], 100 * guarded[0], (int) guarded[1], 100 * original[0], (int) original[1]);
            assertTrue(guarded[2] >= 40, name + ": stars " + guarded[2]);
            assertTrue(guarded[0] <= 0.005, name + ": a star changed by " + 100 * guarded[0] + "% of its flux");
            assertTrue(original[1] >= 0.5 * guarded[2], name + ": the original's rule clipped only " + (int) original[1] + " stars");
        }
    }

    @Test
    void hotPhotositesPlantedInTheRawCfaVanishAfterDemosaicing(@TempDir Path tmp) throws Exception {
        Path f = RAW.resolve(FRAMES[0]);
        Assumptions.assumeTrue(Files.isRegularFile(f), "skipped: " + f + " not found");
        FitsFrame plain = FitsFrame.open(f);
        int w = plain.width(), h = plain.height();
        List<Star> stars = new StarDetector().detect(Luminance.of(plain));
        Path hot = tmp.resolve("hot.fit");
        Files.copy(f, hot);
        long data = FitsStructure.read(f).get(0).dataOffset();
        Random r = new Random(13);
        List<int[]> sites = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(hot, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            while (sites.size() < 300) {
                int x = r.nextInt(w), y = r.nextInt(h);
                boolean nearStar = false;
                for (Star s : stars) nearStar |= Math.hypot(s.x() - x, s.y() - y) < 3 * Math.max(2, s.fwhm()) + 3;
                boolean nearSite = false;
                for (int[] s : sites) nearSite |= Math.abs(s[0] - x) <= 6 && Math.abs(s[1] - y) <= 6;
                if (nearStar || nearSite) continue;
                ByteBuffer b = ByteBuffer.allocate(2);
                long pos = data + 2L * ((long) y * w + x);
                ch.read(b, pos);
                int v = b.getShort(0) + 32768;
                int excess = Math.min(65535 - v, 1500 + r.nextInt(30000)); // warm to saturated
                b.putShort(0, (short) (v + excess - 32768));
                b.rewind();
                ch.write(b, pos);
                sites.add(new int[] {x, y, excess});
            }
        }
        // Through the reader: the raw CFA corrected (step 2), then demosaiced, bit for bit.
        float[] cleanRaw = rawPlane(f, data, w, h), dirtyRaw = rawPlane(hot, data, w, h);
        float[] fixedRaw = dirtyRaw.clone();
        HotPixels.correctPlane(fixedRaw, w, h, 2);
        float[][] expect = new float[3][w * h];
        Debayer.demosaic(fixedRaw, w, h, 0, h, plain.bayerPattern(), 0, h, expect);
        FloatImage read = FloatImage.copyOf(FitsFrame.open(hot).withReading(FrameReading.DEFAULT));
        for (int c = 0; c < 3; c++) assertArrayEquals(expect[c], read.plane(c), "channel " + c);
        // Each site: back to the median of its clean same-colour 5x5 neighbourhood.
        double worst = 0;
        float[] win = new float[25];
        for (int[] s : sites) {
            int m = 0;
            for (int dy = -4; dy <= 4; dy += 2)
                for (int dx = -4; dx <= 4; dx += 2)
                    win[m++] = cleanRaw[HotPixels.mirror(s[1] + dy, h) * w + HotPixels.mirror(s[0] + dx, w)];
            java.util.Arrays.sort(win);
            double left = Math.abs(fixedRaw[s[1] * w + s[0]] - win[12]);
            worst = Math.max(worst, left / s[2]);
            assertTrue(left < 0.01 * s[2], "site " + s[0] + "," + s[1] + " excess " + s[2] + ": " + left + " left");
        }
        System.out.printf("[HOT] %d hot photosites planted in the raw CFA: worst residual %.4f%% of the planted excess%n",
                sites.size(), 100 * worst);
    }

    /** The raw CFA plane of a 16-bit Seestar file (BZERO 32768), read straight from its bytes. */
    static float[] rawPlane(Path file, long data, int w, int h) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(2 * w * h);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (b.hasRemaining()) if (ch.read(b, data + b.position()) < 0) throw new IOException("short file");
        }
        float[] p = new float[w * h];
        for (int i = 0; i < p.length; i++) p[i] = b.getShort(2 * i) + 32768;
        return p;
    }
}
