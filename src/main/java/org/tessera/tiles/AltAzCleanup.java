package org.tessera.tiles;

import java.util.Locale;
import java.util.logging.Logger;

import org.tessera.config.Config;
import org.tessera.image.FloatImage;

/**
 * The ALT-AZ cleanup of one stacked tile (reference §3.5): an alpha mask from the per-pixel
 * coverage count that fades out the poorly covered rim left by field rotation.
 * <pre>
 * thr   = max(3, 0.5 · max_cov)            good = cov ≥ thr
 *         (none good: thr = max(0.25 · max_cov, 1); still none: good = cov &gt; 0)
 * good  = opening(good, diamond radius 3)  (kept only if something survives)
 * d     = Euclidean distance of a good pixel to the nearest not-good pixel
 * m     = max(1, margin% · min(H, W))      (0 when margin% ≤ 0)
 * alpha = 1 where d ≥ m;  (d / m)^(1 / max(decay, 1e-3)) where 0 &lt; d &lt; m;  0 where not good
 * </pre>
 * The image is never multiplied by alpha. With {@code altaz_nanize}, pixels with alpha ≤ 1e-3
 * become NaN (no data). A mask with less than 10% non-zero pixels would destroy the tile: it is
 * dropped (no alpha, nothing NaN-ed) and a warning says so.
 */
public final class AltAzCleanup {
    private AltAzCleanup() {}

    private static final Logger LOG = Logger.getLogger("org.tessera.tiles");

    public static final double MIN_COVERAGE_ABS = 3.0;
    public static final double MIN_COVERAGE_FRAC = 0.5;
    public static final int OPEN_RADIUS = 3;
    public static final double NANIZE_THRESHOLD = 1e-3;
    public static final double MIN_NONZERO_FRACTION = 0.10;

    /** {@code altaz_margin_percent}, {@code altaz_decay}, {@code altaz_nanize}. */
    public record Params(double marginPercent, double decay, boolean nanize) {
        public static Params fromConfig(Config c) {
            return new Params(c.getDouble("altaz_margin_percent"), c.getDouble("altaz_decay"), c.getBoolean("altaz_nanize"));
        }
    }

    /**
     * What the cleanup did: the alpha kept (null when dropped or when nothing was covered), the
     * share of non-zero alpha, and how many pixels were set to NaN.
     */
    public record Outcome(FloatImage alpha, double nonZeroFraction, boolean dropped, long nanized) {}

    /**
     * The alpha of a coverage map (w×h, NaN read as 0), or null when no pixel is covered.
     */
    public static float[] alphaFromCoverage(float[] coverage, int w, int h, double marginPercent, double decay) {
        int n = w * h;
        float[] cov = new float[n];
        float maxCov = 0;
        for (int i = 0; i < n; i++) {
            float c = coverage[i];
            c = Float.isFinite(c) && c > 0 ? c : 0;
            cov[i] = c;
            if (c > maxCov) maxCov = c;
        }
        double thr = Math.max(MIN_COVERAGE_ABS, MIN_COVERAGE_FRAC * maxCov);
        boolean[] good = threshold(cov, thr);
        if (!any(good) && maxCov > 0) good = threshold(cov, Math.max(0.25 * maxCov, 1.0));
        if (!any(good)) good = threshold(cov, Double.MIN_VALUE);
        if (!any(good)) return null;

        boolean[] opened = BinaryMorphology.open(good, w, h, OPEN_RADIUS);
        if (any(opened)) good = opened;
        double[] dist = BinaryMorphology.distanceToBackground(good, w, h);

        double marginPx = marginPercent <= 0 || Math.min(w, h) == 0 ? 0 : Math.max(1.0, marginPercent * 0.01 * Math.min(w, h));
        double exponent = 1.0 / Math.max(decay, 1e-3);
        float[] alpha = new float[n];
        for (int i = 0; i < n; i++) {
            if (!good[i]) continue;
            if (marginPx <= 0) { alpha[i] = 1; continue; }
            double d = dist[i];
            alpha[i] = d >= marginPx ? 1f : (float) Math.min(1.0, Math.pow(d / marginPx, exponent));
        }
        return alpha;
    }

    private static boolean[] threshold(float[] cov, double thr) {
        boolean[] g = new boolean[cov.length];
        for (int i = 0; i < cov.length; i++) g[i] = cov[i] >= thr;
        return g;
    }

    private static boolean any(boolean[] m) {
        for (boolean b : m) if (b) return true;
        return false;
    }

    /**
     * Cleans one tile in place: computes alpha from {@code coverage} (1 channel, same shape), drops
     * it when under 10% non-zero, otherwise NaN-s the pixels with alpha ≤ 1e-3 when asked.
     */
    public static Outcome apply(FloatImage image, FloatImage coverage, Params p, int tileId) {
        return apply(image, coverage, p, "tile " + tileId);
    }

    /** {@link #apply(FloatImage, FloatImage, Params, int)} of a tile the log calls {@code tile} (e.g. a stack's output file). */
    public static Outcome apply(FloatImage image, FloatImage coverage, Params p, String tile) {
        int w = image.width(), h = image.height(), n = w * h;
        float[] alpha = alphaFromCoverage(coverage.plane(0), w, h, p.marginPercent(), p.decay());
        if (alpha == null) {
            LOG.warning(String.format(Locale.ROOT, "[P3] %s: ALT-AZ cleanup skipped: no pixel has coverage", tile));
            return new Outcome(null, 0, true, 0);
        }
        long nonZero = 0;
        for (float a : alpha) if (a > 0) nonZero++;
        double frac = (double) nonZero / n;
        if (frac < MIN_NONZERO_FRACTION) {
            LOG.warning(String.format(Locale.ROOT,
                    "[P3] %s: ALT-AZ mask dropped: only %.1f%% of pixels non-zero (< %.0f%%); tile kept uncleaned",
                    tile, 100 * frac, 100 * MIN_NONZERO_FRACTION));
            return new Outcome(null, frac, true, 0);
        }
        long nanized = 0;
        if (p.nanize()) {
            for (int i = 0; i < n; i++) {
                if (alpha[i] > NANIZE_THRESHOLD) continue;
                boolean wasData = false;
                for (int c = 0; c < image.channels(); c++) {
                    float[] pl = image.plane(c);
                    if (!Float.isNaN(pl[i])) wasData = true;
                    pl[i] = Float.NaN;
                }
                if (wasData) nanized++;
            }
        }
        LOG.info(String.format(Locale.ROOT, "[P3] %s: ALT-AZ cleanup: alpha non-zero %.1f%%, %d pixel(s) set to NaN",
                tile, 100 * frac, nanized));
        return new Outcome(new FloatImage(w, h, new float[][] {alpha}), frac, false, nanized);
    }
}
