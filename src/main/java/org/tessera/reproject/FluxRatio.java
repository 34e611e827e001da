package org.tessera.reproject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.tessera.math.Percentiles;

/**
 * A pair's gain ratio from the light of its sources: a = Σ y′ / Σ x′ over the samples of the
 * overlap where the two detrended previews show a source (x′/σx + y′/σy above {@link #SEED_SIGMA}·√2,
 * σ from each preview's MAD), grown by one or two preview pixels ({@link #GROW}).
 *
 * <p>Why a ratio of sums, not a fitted slope: the two previews carry noise of their own (a fitted
 * slope is pulled toward 0 by the noise of x, or, orthogonal, toward the ratio of the noises),
 * and resampling at another sub-pixel phase spreads a star's light over other pixels (its peak
 * differs by several percent where its flux agrees). A sum over the whole source conserves the
 * flux, and the noise of either preview only adds scatter to it, no bias. The detrending (each
 * preview loses its least-squares plane over the overlap) is linear, so a planar background
 * difference cancels exactly and the sources' share of the planes is the same fraction of both.
 * The caller gives previews whose resampling blur has been made equal
 * ({@link PhotometricMatch.Preview#equalise}), or previews on the grid's own lattice, which carry
 * none: the same star then has the same shape in both, so a tight aperture holds the same share
 * of its light in both and lets in little noise.
 *
 * <p>Its standard error: the noise of y′ − a·x′ over the source samples, widened where the
 * sources' own ratios scatter more than that noise says (one star off: variable, saturated, hit).
 */
final class FluxRatio {
    private FluxRatio() {}

    /**
     * Seeds: combined significance of the two previews above this many σ: clear sources only,
     * whose aperture then holds little noise (on {@code PhotometricDriftTest}, with the blur
     * equalised and one ring: worst tile 0.59–0.71 % over five layouts and seeds at 8, 0.74–0.82 %
     * at 6, 0.75–1.2 % at 4).
     */
    static final double SEED_SIGMA = 8;
    /**
     * Seeds grow by up to this many preview pixels, over the faint edge of each source: two for
     * a compact source (a star in the block-mean previews of large tiles, whose bilinear spill
     * reaches a pixel beyond it), one for a resolved one ({@link #RESOLVED}): with equal blur in
     * both previews a tight aperture holds the same share of its light in both, and a wider one
     * only adds noise (PhotometricDriftTest's pairs: error 0.41 % with two rings, 0.31 % with one).
     */
    static final int GROW = 2;
    /**
     * A source whose light spreads over more than this (σ in preview pixels, from the second
     * moment of its seeds and first ring) is summed over its seeds and first ring only.
     */
    static final double RESOLVED = 1.2;
    /** The ratio's error from the noise alone must stay below 1/MIN_SNR of it, or no gain is measured. */
    static final double MIN_SNR = 10;

    /**
     * @param x  detrended values of tile i (the plane removed), y the same of tile j
     * @param px preview pixel positions (integers) of the samples
     * @param samplesPerIndependent neighbouring samples that share one noise value
     * @return {a, standard error of a, sources}, or null where the overlap holds no measurable source
     */
    static double[] of(double[] x, double[] y, double[] px, double[] py, double samplesPerIndependent) {
        int n = x.length;
        if (n < 16) return null;
        // Each preview's spread (noise and whatever sky structure the plane leaves): only clear
        // sources seed. Lower seeds (from the noise of y − x alone) reached further into faint
        // wings and added more noise than light: worst planted-gain error 1.3 % against 1.04 %.
        double sx = sigma(x), sy = sigma(y);
        if (!(sx > 0) || !(sy > 0)) return null;
        Cells at = new Cells(px, py);
        boolean[] src = new boolean[n];
        // Distance (in rings, Chebyshev) of each source sample from the nearest seed.
        int[] ring = new int[n];
        Arrays.fill(ring, Integer.MAX_VALUE);
        double cut = SEED_SIGMA * Math.sqrt(2);
        for (int k = 0; k < n; k++) {
            if (!(x[k] / sx + y[k] / sy > cut)) continue;
            for (int dy = -GROW; dy <= GROW; dy++)
                for (int dx = -GROW; dx <= GROW; dx++) {
                    int q = at.get((int) px[k] + dx, (int) py[k] + dy);
                    if (q < 0) continue;
                    src[q] = true;
                    ring[q] = Math.min(ring[q], Math.max(Math.abs(dx), Math.abs(dy)));
                }
        }
        // Connected groups of source samples: one star (or one blend) each.
        boolean[] seen = new boolean[n];
        List<double[]> sums = new ArrayList<>(); // per group {Σx, Σy, samples}
        double tx = 0, ty = 0;
        int m = 0;
        int[] stack = new int[n];
        for (int k = 0; k < n; k++) {
            if (!src[k] || seen[k]) continue;
            double[] s = new double[3];
            int members = 0;
            int top = 0;
            stack[top++] = k;
            seen[k] = true;
            List<Integer> group = new ArrayList<>();
            double wz = 0, zx = 0, zy = 0, zxx = 0, zyy = 0;
            while (top > 0) {
                int q = stack[--top];
                group.add(q);
                // The source's size, from where its signal stands out (seeds and the first ring).
                double z = ring[q] < GROW ? x[q] / sx + y[q] / sy : 0;
                wz += z;
                zx += z * px[q];
                zy += z * py[q];
                zxx += z * px[q] * px[q];
                zyy += z * py[q] * py[q];
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++) {
                        int r = at.get((int) px[q] + dx, (int) py[q] + dy);
                        if (r >= 0 && src[r] && !seen[r]) {
                            seen[r] = true;
                            stack[top++] = r;
                        }
                    }
            }
            // A source wider than a preview pixel or so is summed over its seeds and one ring:
            // with the blur equalised, both previews hold the same share of its light there, and
            // the outer ring adds noise, not light. A compact one (a star in block-mean previews
            // of large tiles) keeps both rings: the bilinear spill of its light reaches a pixel
            // beyond, and the shares of so small a profile differ between the two samplings.
            double var = wz > 0 ? ((zxx - zx * zx / wz) + (zyy - zy * zy / wz)) / (2 * wz) : 0;
            int outer = var >= RESOLVED * RESOLVED ? GROW - 1 : GROW;
            for (int q : group) {
                if (ring[q] > outer) continue;
                s[0] += x[q];
                s[1] += y[q];
                members++;
            }
            if (members == 0) continue;
            s[2] = members;
            sums.add(s);
            m += members;
            tx += s[0];
            ty += s[1];
        }
        if (m == 0 || !(tx > 0) || !(ty > 0)) return null;
        double a = ty / tx;
        // The noise alone: δa = (δΣy − a·δΣx)/Σx, and the noise of y − a·x is measured on the
        // difference itself, where the common sky structure (a nebula) cancels.
        double[] d = new double[n];
        for (int k = 0; k < n; k++) d[k] = y[k] - a * x[k];
        double sd = sigma(d);
        double noise = Math.sqrt(m * samplesPerIndependent) * sd / tx;
        double snr = a / noise;
        if (!(snr >= MIN_SNR)) return null;
        int g = sums.size();
        // Birge ratio over the sources: each one's Y − a·X against its own noise. The
        // delete-one jackknife it replaces rests on 2 to 10 sources a pair, so its σ scattered
        // about the truth and weighted lucky pairs up (on PhotometricDriftTest's strip, worst
        // tile 1.2 % against 1.0 %).
        double widen = 1;
        if (g >= 2) {
            double chi2 = 0;
            for (double[] q : sums) {
                double r = (q[1] - a * q[0]) / (Math.sqrt(q[2] * samplesPerIndependent) * sd);
                chi2 += r * r;
            }
            widen = Math.max(1, Math.sqrt(chi2 / (g - 1)));
        }
        return new double[] {a, noise * widen, g};
    }

    /**
     * The sample at each preview pixel of the overlap (the last one where several share a pixel),
     * on the samples' bounding box. A hash map keyed by the packed position gave every pixel of a
     * diagonal x ^ y the same hash (a long's hash folds its halves together): its bins turned into
     * trees, 6 % of a small job's samples (JFR, the DSS pair run warm).
     */
    private static final class Cells {
        private final int x0, y0, w, h;
        private final int[] index;

        Cells(double[] px, double[] py) {
            int minX = Integer.MAX_VALUE, minY = Integer.MAX_VALUE, maxX = Integer.MIN_VALUE, maxY = Integer.MIN_VALUE;
            for (int k = 0; k < px.length; k++) {
                int x = (int) px[k], y = (int) py[k];
                minX = Math.min(minX, x); maxX = Math.max(maxX, x);
                minY = Math.min(minY, y); maxY = Math.max(maxY, y);
            }
            x0 = minX;
            y0 = minY;
            w = maxX - minX + 1;
            h = maxY - minY + 1;
            // An overlap lies within one preview: its box is at most a preview's size.
            index = new int[Math.toIntExact((long) w * h)];
            Arrays.fill(index, -1);
            for (int k = 0; k < px.length; k++) index[((int) py[k] - y0) * w + ((int) px[k] - x0)] = k;
        }

        /** The sample at (x, y), or -1 where there is none. */
        int get(int x, int y) {
            int dx = x - x0, dy = y - y0;
            return dx < 0 || dy < 0 || dx >= w || dy >= h ? -1 : index[dy * w + dx];
        }
    }

    private static double sigma(double[] v) {
        double med = Percentiles.median(v.clone());
        double[] d = new double[v.length];
        for (int k = 0; k < v.length; k++) d[k] = Math.abs(v[k] - med);
        return 1.4826 * Percentiles.median(d);
    }
}
