package org.tessera.tiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

import org.tessera.config.Config;
import org.tessera.image.RowSource;
import org.tessera.io.FitsFrame;
import org.tessera.math.Percentiles;

/**
 * The gate before Phase 5: each master tile's sky level, noise, star density and valid fraction
 * are measured and compared with the other tiles', and a gross outlier is left out of the mosaic
 * (and reported), so that one bad tile — a wrong exposure scaling, a flat gone wrong — can never
 * turn the whole mosaic grey. With three tiles or more (with two, which one is the outlier cannot
 * be told), the rules are the original's existing-master gate:
 * <ul>
 * <li>median ratio: |sky| / median |sky| of all tiles ≥ {@value #MEDIAN_RATIO} (or ≤ its inverse),
 * applied where skies are well above the noise (median |sky| &gt; 10 × median noise; a
 * background-subtracted sky near 0 makes ratios meaningless);</li>
 * <li>robust z-score ≥ {@value #Z_MAX}: |x − median| / (1.4826 · MAD) over the tiles, on log10 of the noise and of the star density (log, and a MAD of at least
 * {@value #MIN_MAD_DEX} dex, so that only differences of more than a factor ~15 can count: the
 * gate is for gross outliers, not for a field richer in stars).</li>
 * </ul>
 * Optional ({@code quality_gate_enabled}): a quality score in [0, 1], the mean of the valid
 * fraction, min(1, median noise / noise) and min(1, star density / median density); a tile below
 * {@code quality_gate_threshold} (0.48) is left out too.
 * <p>
 * Measured on a subsample of at most ~1 Mpx of the luminance (the mean of the channels; NaN where
 * the tile has no data); stars are local maxima of 2×2-binned pixels above median + 5 σ. The sky
 * (median) and noise (1.4826 · MAD) come from an even subsample of at most {@value #STAT_SAMPLES}
 * of its finite values: their error (~0.5 % of the noise) is far below what the gate tells
 * apart, and the two selections over a whole small tile were a quarter of a 2MASS-sized job's
 * Java time.
 */
public final class OutlierGate {

    private static final Logger LOG = Logger.getLogger("org.tessera.tiles");

    public static final double MEDIAN_RATIO = 5000;
    public static final double Z_MAX = 8;
    static final double MIN_MAD_DEX = 0.1;
    static final long SAMPLE_PIXELS = 1L << 20;
    static final int STAT_SAMPLES = 1 << 16;

    private final boolean qualityGate;
    private final double qualityThreshold;

    public OutlierGate(boolean qualityGate, double qualityThreshold) {
        this.qualityGate = qualityGate;
        this.qualityThreshold = qualityThreshold;
    }

    public static OutlierGate fromConfig(Config c) {
        return new OutlierGate(c.getBoolean("quality_gate_enabled"), c.getDouble("quality_gate_threshold"));
    }

    /** One tile's measures. */
    public record Stats(double sky, double noise, double starsPerMpx, double validFraction) {}

    /** A tile left out, and why (its measures against the others'). */
    public record Rejected(Path file, String reason) {}

    /** The tiles kept (in the given order) and those left out. */
    public record Result(List<FitsFrame> kept, List<Rejected> rejected) {}

    public Result apply(List<FitsFrame> tiles) throws IOException {
        // With fewer than three tiles there is no outlier to tell (judge): nothing to read.
        if (tiles.size() < 3) {
            LOG.fine("[P5] gate: " + tiles.size() + " tile(s), fewer than 3 to compare: all kept");
            return new Result(List.copyOf(tiles), List.of());
        }
        // Tiles measured in parallel: this pass reads every tile before the first pixel is coadded.
        Stats[] measured = new Stats[tiles.size()];
        try {
            java.util.stream.IntStream.range(0, tiles.size()).parallel().forEach(i -> {
                try {
                    measured[i] = measure(tiles.get(i));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        List<Stats> stats = Arrays.asList(measured);
        String[] why = judge(stats);
        List<FitsFrame> kept = new ArrayList<>();
        List<Rejected> rejected = new ArrayList<>();
        for (int i = 0; i < tiles.size(); i++) {
            Stats s = stats.get(i);
            String m = String.format(Locale.ROOT, "sky %.4g, noise %.4g, %.1f stars/Mpx, valid %.2f", s.sky(), s.noise(),
                    s.starsPerMpx(), s.validFraction());
            if (why[i] == null) {
                kept.add(tiles.get(i));
                LOG.fine("[P5] gate: " + tiles.get(i).name() + " kept (" + m + ")");
            } else {
                String reason = "outlier master tile left out of the mosaic: " + why[i] + " (" + m + ")";
                rejected.add(new Rejected(tiles.get(i).path(), reason));
                org.tessera.SkipNotice.warn(LOG, "[P5] gate: " + tiles.get(i).name() + ": " + reason);
            }
        }
        return new Result(kept, rejected);
    }

    /** For each tile, null (kept) or why it is left out. */
    String[] judge(List<Stats> s) {
        int n = s.size();
        String[] why = new String[n];
        if (n < 3) return why; // with two tiles, which one is the outlier cannot be told
        double[] sky = new double[n], lnoise = new double[n], lstars = new double[n], noise = new double[n],
                stars = new double[n];
        for (int i = 0; i < n; i++) {
            sky[i] = Math.abs(s.get(i).sky());
            noise[i] = s.get(i).noise();
            stars[i] = s.get(i).starsPerMpx();
            lnoise[i] = Math.log10(Math.max(noise[i], 1e-30));
            lstars[i] = Math.log10(1 + stars[i]);
        }
        double medSky = Percentiles.median(sky), medNoise = Percentiles.median(noise), medStars = Percentiles.median(stars);
        for (int i = 0; i < n; i++) {
            if (medSky > 10 * medNoise && medSky > 0) {
                double ratio = sky[i] / medSky;
                if (ratio >= MEDIAN_RATIO || ratio <= 1 / MEDIAN_RATIO) {
                    why[i] = String.format(Locale.ROOT, "sky level %.4g is %.3g x the median of the tiles (%.4g; limit %.0f x)",
                            s.get(i).sky(), ratio, medSky, MEDIAN_RATIO);
                    continue;
                }
            }
            double z = robustZ(lnoise, i);
            if (z >= Z_MAX) {
                why[i] = String.format(Locale.ROOT, "noise %.4g vs median %.4g: robust z-score %.1f >= %.0f", noise[i], medNoise, z, Z_MAX);
                continue;
            }
            z = robustZ(lstars, i);
            if (z >= Z_MAX) {
                why[i] = String.format(Locale.ROOT, "%.1f stars/Mpx vs median %.1f: robust z-score %.1f >= %.0f", stars[i], medStars, z, Z_MAX);
                continue;
            }
            if (qualityGate) {
                double q = quality(s.get(i), medNoise, medStars);
                if (q < qualityThreshold)
                    why[i] = String.format(Locale.ROOT, "quality score %.3f < quality_gate_threshold %.3f", q, qualityThreshold);
            }
        }
        return why;
    }

    /** Mean of the valid fraction, the noise score and the star score, each in [0, 1]. */
    static double quality(Stats s, double medNoise, double medStars) {
        double qn = s.noise() > 0 ? Math.min(1, medNoise / s.noise()) : 1;
        double qs = medStars > 0 ? Math.min(1, s.starsPerMpx() / medStars) : 1;
        return (Math.max(0, Math.min(1, s.validFraction())) + qn + qs) / 3;
    }

    /** |x_i − median| / (1.4826 · max(MAD, {@value #MIN_MAD_DEX})) over all values. */
    static double robustZ(double[] x, int i) {
        double med = Percentiles.median(x);
        double[] dev = new double[x.length];
        for (int k = 0; k < x.length; k++) dev[k] = Math.abs(x[k] - med);
        double mad = Math.max(Percentiles.median(dev), MIN_MAD_DEX);
        return Math.abs(x[i] - med) / (1.4826 * mad);
    }

    /** Sky, noise, star density and valid fraction of a tile, on a subsample of its luminance. */
    public static Stats measure(RowSource t) throws IOException {
        int w = t.width(), h = t.height(), nc = t.channels();
        // Binning b x b (means over finite pixels) keeps the sample small and stars findable.
        int b = (int) Math.max(1, Math.ceil(Math.sqrt((double) w * h / SAMPLE_PIXELS)));
        int bw = w / b, bh = h / b;
        float[] lum = new float[Math.max(1, bw * bh)];
        long valid = 0;
        // Bands of several block rows (about 4 MB): a read of b rows at a time was a read per row
        // of a small tile (b = 1).
        int perRead = (int) Math.max(1, Math.min(bh, (1L << 20) / ((long) w * nc * b)));
        float[][] band = t.newBand(perRead * b);
        for (int by = 0; by < bh; by++) {
            int j = by % perRead; // the block row's place in the band
            if (j == 0) t.readRows(by * b, Math.min(perRead, bh - by) * b, band);
            if (b == 1 && nc == 1) { // blocks of one pixel of one channel: the mean is the value itself
                float[] row = band[0];
                for (int bx = 0, p = j * w; bx < bw; bx++, p++) {
                    float f = row[p];
                    boolean ok = Float.isFinite(f);
                    if (ok) valid++;
                    lum[by * bw + bx] = ok ? f : Float.NaN;
                }
                continue;
            }
            for (int bx = 0; bx < bw; bx++) {
                double sum = 0;
                int cnt = 0;
                for (int yy = 0; yy < b; yy++)
                    for (int xx = 0; xx < b; xx++) {
                        int p = (j * b + yy) * w + bx * b + xx;
                        double v = 0;
                        boolean ok = true;
                        for (int c = 0; c < nc; c++) {
                            float f = band[c][p];
                            if (!Float.isFinite(f)) { ok = false; break; }
                            v += f;
                        }
                        if (ok) { sum += v / nc; cnt++; }
                    }
                valid += cnt;
                lum[by * bw + bx] = cnt > 0 ? (float) (sum / cnt) : Float.NaN;
            }
        }
        // The medians in place, on floats where the values are floats: no copies of the sample.
        float[] finite = new float[lum.length];
        int nf = 0;
        for (float v : lum) if (Float.isFinite(v)) finite[nf++] = v;
        double validFraction = (double) valid / ((long) w * h);
        if (nf == 0) return new Stats(Double.NaN, Double.NaN, 0, validFraction);
        // Sky and noise from an even subsample of at most STAT_SAMPLES of the finite values.
        int stride = (nf + STAT_SAMPLES - 1) / STAT_SAMPLES, ns = 0;
        for (int i = 0; i < nf; i += stride) finite[ns++] = finite[i];
        double[] dev = new double[ns];
        for (int i = 0; i < ns; i++) dev[i] = finite[i];
        double med = Percentiles.medianAsSorted(finite, ns);
        for (int i = 0; i < ns; i++) dev[i] = Math.abs(dev[i] - med);
        double sigma = 1.4826 * Percentiles.medianAsSorted(dev, ns);
        int stars = 0;
        double thr = med + 5 * sigma;
        for (int y = 1; y < bh - 1; y++)
            for (int x = 1; x < bw - 1; x++) {
                float v = lum[y * bw + x];
                if (!(v > thr)) continue;
                boolean max = true;
                for (int dy = -1; dy <= 1 && max; dy++)
                    for (int dx = -1; dx <= 1; dx++) {
                        if (dx == 0 && dy == 0) continue;
                        float u = lum[(y + dy) * bw + x + dx];
                        if (!(u < v) && !(u == v && (dy > 0 || (dy == 0 && dx > 0)))) { max = false; break; }
                    }
                if (max) stars++;
            }
        double mpx = valid / 1e6;
        return new Stats(med, sigma, mpx > 0 ? stars / mpx : 0, validFraction);
    }
}
