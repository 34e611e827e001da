package org.tessera.stack;

/**
 * Test reference: {@link PixelRules} as it was before the band pass was made faster (two in-place
 * selections for the winsorized median and MAD, a separate mean combine pass), kept verbatim so
 * that the fast path can be checked against it bit for bit ({@link BandFastPathTest}).
 * <p>
 * The rejection algorithms on the finite samples of one pixel (reference.md §4), written once.
 * {@link #bounds} turns the samples x[0..n) with weights w[0..n) into an admission rule:
 * <ul>
 * <li>keep rules (kappa_sigma, linear_fit_clip): a sample is admitted if lo ≤ x ≤ hi;</li>
 * <li>clip rule (winsorized_sigma_clip): every sample is admitted, clamped into [lo, hi];</li>
 * <li>a sample counts as rejected if x &lt; rejLo or x &gt; rejHi.</li>
 * </ul>
 * The combine then runs over the admitted samples; when nothing is admitted it falls back to all
 * finite samples (and nothing counts as rejected). Frame-block mode applies the same rule, computed
 * on a sample of frames, to every frame.
 */
final class ReferenceRules {
    static final double WINSOR_SIGMA_FLOOR = 1e-10;
    static final int WINSOR_MAX_ITERS = 10;
    static final double WINSOR_TOL = 5e-4;
    static final double MAD_TO_SIGMA = 1.4826;

    final double[] x, w, t;
    private final double[] pair = new double[2];
    double lo, hi, rejLo, rejHi;
    boolean clip;
    /** Rejected samples of the last combine. */
    int rejected;

    ReferenceRules(int capacity) {
        x = new double[capacity];
        w = new double[capacity];
        t = new double[capacity];
    }

    int capacity() {
        return x.length;
    }

    void bounds(StackParams p, int n) {
        clip = false;
        lo = rejLo = Double.NEGATIVE_INFINITY;
        hi = rejHi = Double.POSITIVE_INFINITY;
        switch (p.rejection()) {
            case NONE -> { }
            case KAPPA_SIGMA -> kappaSigma(n, p.kappaLow(), p.kappaHigh());
            case WINSORIZED_SIGMA_CLIP -> winsorized(n, p.kappaLow(), p.kappaHigh());
            case LINEAR_FIT_CLIP -> linearFitClip(n, p.kappaLow(), p.kappaHigh());
        }
    }

    /** Centre = median, spread = population std, one pass: keep med − kL·sd ≤ x ≤ med + kH·sd. */
    private void kappaSigma(int n, double kl, double kh) {
        double med = median(n);
        double sd = stdAround(n, med);
        lo = rejLo = med - kl * sd;
        hi = rejHi = med + kh * sd;
    }

    /**
     * r = x − median(x); keep −kL·sd ≤ r − median(r) ≤ kH·sd with sd = std(r). (The reference writes
     * kappa_high on both sides; with its default equal kappas this is the same rule.)
     */
    private void linearFitClip(int n, double kl, double kh) {
        System.arraycopy(x, 0, t, 0, n);
        double med = SmallSelect.median(t, n, pair);
        // x → x − med is monotone, so median(r) comes from the same middle samples: no second select.
        double medR = 0.5 * ((pair[0] - med) + (pair[1] - med));
        double sd = stdAround(n, med); // std(r) = std(x)
        lo = rejLo = med + medR - kl * sd;
        hi = rejHi = med + medR + kh * sd;
    }

    /**
     * The reference's winsorized sigma clip with Huber scale update (core/robust_rejection.py),
     * converging per pixel so that the result does not depend on which pixels share a band.
     * The combined mean is Σw·clamp(x, lo, hi) / Σw with the last [lo, hi]; a sample is counted
     * as rejected if it lies outside m ∓ k·σ of the final m, σ.
     */
    private void winsorized(int n, double kl, double kh) {
        if (n < 2) return; // reference: result = mean of the samples
        double m = median(n);
        double mad;
        if (n <= SmallSelect.SORTED_UP_TO) { // t is sorted: the deviations' median without a second select
            mad = SmallSelect.sortedMedianDeviation(t, n, m);
        } else {
            for (int k = 0; k < n; k++) t[k] = Math.abs(x[k] - m);
            mad = SmallSelect.median(t, n);
        }
        double sigma = MAD_TO_SIGMA * mad;
        if (!(sigma > 0)) sigma = WINSOR_SIGMA_FLOOR;
        double c = Math.max(kl, kh);
        // Huber weight h = 1 if |r|/σ ≤ c else c/(|r|/σ), written without a division per sample.
        double prevLo = Double.NaN, prevHi = Double.NaN, clo = 0, chi = 0;
        for (int it = 0; it < WINSOR_MAX_ITERS; it++) {
            double l = m - kl * sigma, h = m + kh * sigma;
            double sw = 0, swx = 0;
            for (int k = 0; k < n; k++) {
                double v = x[k];
                v = v < l ? l : (v > h ? h : v);
                sw += w[k];
                swx += w[k] * v;
            }
            double mNew = swx / sw;
            double num = 0, den = 0, cs = c * sigma;
            for (int k = 0; k < n; k++) {
                double v = x[k];
                v = v < l ? l : (v > h ? h : v);
                double r = v - mNew, ar = Math.abs(r);
                double hw = ar <= cs ? w[k] : cs / ar * w[k];
                num += hw * r * r;
                den += hw;
            }
            double sNew = den > 0 ? Math.sqrt(num / den) : 0;
            if (!(sNew > 0)) sNew = WINSOR_SIGMA_FLOOR;
            clo = l;
            chi = h;
            if (it > 0 && l == prevLo && h == prevHi) {
                m = mNew;
                sigma = sNew;
                break;
            }
            boolean converged = Math.abs(mNew - m) <= WINSOR_TOL * Math.max(1, Math.abs(m))
                    && Math.abs(sNew - sigma) <= WINSOR_TOL * Math.max(1, Math.abs(sigma));
            m = mNew;
            sigma = sNew;
            prevLo = l;
            prevHi = h;
            if (converged) break;
        }
        clip = true;
        lo = clo;
        hi = chi;
        rejLo = m - kl * sigma;
        rejHi = m + kh * sigma;
    }

    /** Σ w·x / Σ w over the admitted samples (fallback: all samples); sets {@link #rejected}. */
    double meanCombine(int n) {
        double sWX = 0, sW = 0, aWX = 0, aW = 0;
        int rej = 0;
        for (int k = 0; k < n; k++) {
            double v = x[k], ww = w[k];
            aWX += ww * v;
            aW += ww;
            if (v < rejLo || v > rejHi) rej++;
            if (clip) {
                double cv = v < lo ? lo : (v > hi ? hi : v);
                sWX += ww * cv;
                sW += ww;
            } else if (v >= lo && v <= hi) {
                sWX += ww * v;
                sW += ww;
            }
        }
        rejected = sW > 0 ? rej : 0;
        return sW > 0 ? sWX / sW : aWX / aW;
    }

    /** Median of the admitted samples (weights ignored; fallback: all samples); sets {@link #rejected}. */
    double medianCombine(int n) {
        int m = 0, rej = 0;
        for (int k = 0; k < n; k++) {
            double v = x[k];
            if (v < rejLo || v > rejHi) rej++;
            if (clip) t[m++] = v < lo ? lo : (v > hi ? hi : v);
            else if (v >= lo && v <= hi) t[m++] = v;
        }
        if (m == 0) {
            System.arraycopy(x, 0, t, 0, n);
            m = n;
            rej = 0;
        }
        rejected = rej;
        return SmallSelect.median(t, m);
    }

    private double median(int n) {
        System.arraycopy(x, 0, t, 0, n);
        return SmallSelect.median(t, n);
    }

    /** Population std of x[0..n), one pass on deviations from a centre c close to the mean. */
    private double stdAround(int n, double c) {
        double s1 = 0, s2 = 0;
        for (int k = 0; k < n; k++) {
            double d = x[k] - c;
            s1 += d;
            s2 += d * d;
        }
        double m = s1 / n;
        return Math.sqrt(Math.max(0, s2 / n - m * m));
    }
}
