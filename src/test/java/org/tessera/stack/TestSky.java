package org.tessera.stack;

import java.util.SplittableRandom;

import org.tessera.image.FloatImage;

/**
 * Deterministic synthetic skies for stack tests: a noise-free truth (sky level per channel, a
 * gentle gradient, Gaussian stars) and frames made from it as gain·truth + offset + noise, with
 * helpers to plant missing data and outliers.
 */
final class TestSky {
    final int width, height, channels;
    final float[][] truth;

    private TestSky(int width, int height, int channels) {
        this.width = width;
        this.height = height;
        this.channels = channels;
        this.truth = new float[channels][width * height];
    }

    /**
     * @param sky   sky level per channel (the star amplitudes scale with it per channel)
     * @param fwhm  star FWHM in pixels (stars are point-sampled Gaussians)
     */
    static TestSky stars(int width, int height, int channels, long seed, int stars, double fwhm, double... sky) {
        return stars(width, height, channels, seed, stars, fwhm, true, sky);
    }

    /** As {@link #stars(int, int, int, long, int, double, double...)}, optionally without the gradient. */
    static TestSky stars(int width, int height, int channels, long seed, int stars, double fwhm, boolean gradient,
                         double... sky) {
        TestSky s = new TestSky(width, height, channels);
        double gx = gradient ? 0.1 : 0, gy = gradient ? 0.05 : 0;
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    s.truth[c][y * width + x] = (float) (sky[c] * (1 + gx * x / width + gy * y / height));
        double sig = fwhm / (2 * Math.sqrt(2 * Math.log(2)));
        int r = (int) Math.ceil(4 * sig);
        for (int k = 0; k < stars; k++) {
            double cx = 10 + rnd.nextDouble() * (width - 20), cy = 10 + rnd.nextDouble() * (height - 20);
            double amp = 5 + 60 * Math.pow(rnd.nextDouble(), 2);
            for (int y = Math.max(0, (int) cy - r); y <= Math.min(height - 1, (int) cy + r); y++)
                for (int x = Math.max(0, (int) cx - r); x <= Math.min(width - 1, (int) cx + r); x++) {
                    double g = Math.exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (2 * sig * sig));
                    for (int c = 0; c < channels; c++) s.truth[c][y * width + x] += (float) (amp * sky[c] * 0.1 * g);
                }
        }
        return s;
    }

    /** gain·truth + offset + N(0, sigma²) on every channel. */
    FloatImage frame(long seed, double sigma, double gain, double offset) {
        SplittableRandom rnd = new SplittableRandom(seed);
        FloatImage img = new FloatImage(width, height, channels);
        for (int c = 0; c < channels; c++) {
            float[] p = img.plane(c), t = truth[c];
            for (int i = 0; i < p.length; i++) p[i] = (float) (gain * t[i] + offset + sigma * rnd.nextGaussian());
        }
        return img;
    }

    /** NaN everywhere outside the rectangle [x0, x1) × [y0, y1), on all channels. */
    static void keepOnly(FloatImage img, int x0, int y0, int x1, int y1) {
        for (int y = 0; y < img.height(); y++)
            for (int x = 0; x < img.width(); x++)
                if (x < x0 || x >= x1 || y < y0 || y >= y1)
                    for (int c = 0; c < img.channels(); c++) img.set(c, x, y, Float.NaN);
    }

    /** NaN at a random fraction of pixels (all channels). */
    static void holes(FloatImage img, double fraction, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int y = 0; y < img.height(); y++)
            for (int x = 0; x < img.width(); x++)
                if (rnd.nextDouble() < fraction) for (int c = 0; c < img.channels(); c++) img.set(c, x, y, Float.NaN);
    }

    /** Adds amp to a random fraction of pixels of the given channels; returns how many were hit. */
    static int cosmics(FloatImage img, double fraction, float amp, long seed, int... chans) {
        return cosmics(img, fraction, amp, seed, null, chans);
    }

    /** As above, skipping and then marking pixels in taken (null: no bookkeeping), so hits never coincide. */
    static int cosmics(FloatImage img, double fraction, float amp, long seed, boolean[] taken, int... chans) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int hit = 0;
        for (int i = 0; i < img.width() * img.height(); i++)
            if (rnd.nextDouble() < fraction && (taken == null || !taken[i])) {
                if (taken != null) taken[i] = true;
                hit++;
                for (int c : chans) img.plane(c)[i] += amp;
            }
        return hit;
    }

    /** Adds amp along a 3-pixel-wide straight line from (x0, y0) to (x1, y1): a satellite trail. */
    static boolean[] trail(FloatImage img, double x0, double y0, double x1, double y1, float amp) {
        boolean[] on = new boolean[img.width() * img.height()];
        double dx = x1 - x0, dy = y1 - y0, len = Math.hypot(dx, dy);
        for (int y = 0; y < img.height(); y++)
            for (int x = 0; x < img.width(); x++) {
                double t = ((x - x0) * dx + (y - y0) * dy) / (len * len);
                double d = Math.abs((x - x0) * dy - (y - y0) * dx) / len;
                if (t >= 0 && t <= 1 && d <= 1.5) {
                    on[y * img.width() + x] = true;
                    for (int c = 0; c < img.channels(); c++) img.plane(c)[y * img.width() + x] += amp;
                }
            }
        return on;
    }
}
