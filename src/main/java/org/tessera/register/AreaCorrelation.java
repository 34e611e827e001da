package org.tessera.register;

import org.apache.commons.math3.transform.TransformType;
import org.tessera.math.Percentiles;

/**
 * Area-based registration (translation only) for frames whose stars are too faint for the star
 * detector: the cross-correlation of the two frames' luminance planes, as a whole, with the
 * sensor's fixed pattern suppressed and a significance test on the peak.
 * <ol>
 * <li>each plane is <b>destriped</b> (each row's median, then each column's, subtracted: fixed
 *     row and column offsets would correlate along the axes through the zero shift), binned to
 *     ≤ {@value #MAX_SIDE} px, clipped at ± {@value #CLIP_SIGMA} σ of its noise (hot pixels and the
 *     odd bright star would correlate with each other at every shift between them), its mean
 *     subtracted, Hann-windowed and transformed (the half spectra of
 *     {@link PhaseCorrelation});
 * <li>the cross-power spectrum is <b>high-passed</b> (a Gaussian of {@value #HIGH_PASS_PX} px
 *     removed from each frame: sky gradients and the broad glow of a cluster or galaxy) and
 *     transformed back, <b>not whitened</b>: phase correlation lifts the pixel-scale noise and fixed
 *     pattern, where faint stars have no power (on the M 13 frames it peaks at the zero shift);
 * <li>the <b>zero-shift footprint</b> of the fixed pattern (per-pixel offsets and gains, hot
 *     pixels: the same in both frames, so they correlate only at shifts of a pixel or two about
 *     zero) is replaced by a quadratic fitted to the ring around it;
 * <li>the surface is smoothed by a Gaussian of {@value #SMOOTH_BINNED} binned px (a matched filter
 *     for the stars' own correlation), its maximum within a third of the frame's sides taken, and
 *     refined by a parabola on each axis;
 * <li>the peak's <b>significance</b>: its height above the surface's median in units of the
 *     surface's robust noise (1.4826 · MAD) over the search range. Two frames of pure noise sharing
 *     a fixed pattern give 5–8, but real Seestar frames of two different targets 7.9–15.2 (144
 *     pairs of M 94 and NGC 7023, 110 of them over 10: the galaxy's core on the nebula's bright
 *     star, each clipped to a disc), frames of M 94 turned 69° from each other 11.7–16.9 (core on
 *     core; 21.1 read with Phase 1's hot-pixel correction). Such peaks are extended objects meeting,
 *     stars are points: so a peak away from the zero shift must also stand in the <b>high band</b>
 *     ({@link #highBandSnr}: every null past S/N 12 measured at most 5.4 there, every true match
 *     10.1 or more, M 13 14–16). A shift is accepted from {@value #MIN_SNR_CONFIRMED} with
 *     {@value #MIN_HIGH_SNR} in the high band; near the zero shift, where the footprint masks the
 *     high band, from {@value #MIN_SNR}; a turned candidate near it from
 *     {@value #MIN_SNR_TURNED_NEAR_ZERO} ({@link #needed}, {@link #accepts}).
 * </ol>
 * No rotation is fitted: the caller may turn the moving plane first ({@link #prepare(Plane, double)},
 * the field rotation its headers give) and compose the turn with the shift ({@link #rotation}).
 * Deterministic: one thread, no randomness, the same planes give the same shift.
 */
final class AreaCorrelation {
    private AreaCorrelation() {}

    /** Largest side of the binned planes the FFT runs on. */
    static final int MAX_SIDE = 768;
    /** σ of the Gaussian taken out of each frame (high pass), full-resolution pixels. */
    static final double HIGH_PASS_PX = 16;
    /** σ of the Gaussian smoothing the correlation surface, binned pixels. */
    static final double SMOOTH_BINNED = 1.0;
    /**
     * Smallest peak significance accepted {@link #nearZero near the zero shift} (where the high band
     * cannot confirm a peak): 1.2 times the worst of 208 real pairs of frames that show no common
     * field to the candidates tried (Seestar frames of M 94 on NGC 7023 and back, and the plain
     * candidate of M 94 on M 94 turned by 69°: 16.9); the fallback's frames reach 50–80 (M 13, the
     * shaken e2e frames).
     */
    static final double MIN_SNR = 20;
    /**
     * Smallest significance of a turned candidate whose peak lies within {@link #patternReach} of
     * the zero shift: there the sensor's fixed pattern, turned, meets itself (the pixels near the
     * turn's centre move least, and the window weighs them most), which no longer cancels within
     * the zero-shift footprint. Pure noise under a shared pattern, Seestar size, turned by
     * 0.1–3° (55 frames): up to S/N 17.8 there, at most 7.5 elsewhere.
     */
    static final double MIN_SNR_TURNED_NEAR_ZERO = 30;
    /**
     * Smallest S/N of a peak away from the zero shift, with {@link #MIN_HIGH_SNR} in its high band
     * ({@link #needed}): 1.5 times the worst null of pure noise or another field (8.1; their high
     * bands reach 8.3 at their own peaks), and under the S/N 13.7–15.4 of faint fields the old rule
     * (20 for all) left out.
     */
    static final double MIN_SNR_CONFIRMED = 12;
    /**
     * Smallest S/N in the high band ({@link #highBandSnr}) of a peak away from the zero shift: 1.48
     * times the most the high band gave any of 809 such null candidates from S/N 12 on (5.4, real
     * Seestar frames of other targets; 5.1 for the worst pair, S/N 16.9, and for its hot-pixel
     * corrected twin, S/N 21.1); true matches 10.1 (M 94, real frames of one night), 12.9 (a
     * synthetic faint field, S/N 13.7), M 13 14.4 and more.
     */
    static final double MIN_HIGH_SNR = 8;
    /** Lowest radial frequency of the high band, cycles per binned px (a period of 10 binned px). */
    static final double HIGH_BAND = 0.1;
    /** Shifts searched: up to this fraction of each binned side. */
    static final int SEARCH_DIVISOR = 3;
    /** Each binned plane is clipped at ± this many times its robust noise about its median. */
    static final double CLIP_SIGMA = 5;
    /** Smallest binned side worked on. */
    static final int MIN_SIDE = 32;

    /** A prepared plane: its binned, windowed half spectrum. */
    record Prepared(int width, int height, int bin, int bw, int bh, int fw, int fh, double[][] re, double[][] im) {}

    /**
     * The outcome: the shift (moving pixel p lies at reference pixel p + (dx, dy)), the peak's
     * significance, and its significance in the high band ({@link #highBandSnr}; NaN where not
     * measured: the peak lies {@link #nearZero near the zero shift}, or its S/N is under
     * {@link #MIN_SNR_CONFIRMED}).
     */
    record Peak(double dx, double dy, double snr, double highSnr) {}

    /** Bin factor: the binned sides stay within {@link #MAX_SIDE}. */
    static int binFor(int width, int height) {
        return Math.max(1, (Math.max(width, height) + MAX_SIDE - 1) / MAX_SIDE);
    }

    /** Half-width of the zero-shift footprint replaced, binned px: ± 2 full px (the M 13 camera's pattern reaches lag 2 along rows). */
    static int maskFor(int bin) {
        return Math.max(1, (2 + bin - 1) / bin);
    }

    /** A frame's destriped plane binned by {@code bin} to bw × bh, before any rotation. */
    record Plane(int width, int height, int bin, int bw, int bh, double[] b) {}

    /** Destripes, bins, subtracts the mean, windows and transforms a luminance plane; null when too small. */
    static Prepared prepare(float[] lum, int width, int height) {
        Plane p = plane(lum, width, height);
        return p == null ? null : prepare(p, 0);
    }

    /** Destripes and bins a luminance plane; null when too small. */
    static Plane plane(float[] lum, int width, int height) {
        int bin = binFor(width, height);
        int bw = width / bin, bh = height / bin;
        if (bw < MIN_SIDE || bh < MIN_SIDE) return null;
        // destripe: row medians, then the column medians of what is left (finite pixels only)
        double[] rowMed = new double[height], colMed = new double[width];
        float[] scratch = new float[Math.max(width, height)];
        for (int y = 0; y < height; y++) {
            int n = 0;
            for (int x = 0; x < width; x++) {
                float v = lum[y * width + x];
                if (Float.isFinite(v)) scratch[n++] = v;
            }
            rowMed[y] = n > 0 ? Percentiles.medianInPlace(scratch, n) : 0;
        }
        for (int x = 0; x < width; x++) {
            int n = 0;
            for (int y = 0; y < height; y++) {
                float v = lum[y * width + x];
                if (Float.isFinite(v)) scratch[n++] = (float) (v - rowMed[y]);
            }
            colMed[x] = n > 0 ? Percentiles.medianInPlace(scratch, n) : 0;
        }
        return new Plane(width, height, bin, bw, bh, PhaseCorrelation.binned(lum, width, bin, bw, bh, rowMed, colMed));
    }

    /**
     * The plane turned by {@code rotDeg} about its centre ({@link #rotation}; 0: as it is), clipped,
     * its mean subtracted, windowed and transformed.
     */
    static Prepared prepare(Plane p, double rotDeg) {
        int bw = p.bw, bh = p.bh;
        double[] b = rotDeg == 0 ? p.b.clone() : rotated(p.b, bw, bh, rotDeg);
        int cnt = 0;
        for (double v : b) if (Double.isFinite(v)) cnt++;
        // clipped at ± CLIP_SIGMA of the binned plane's noise: a few hot pixels or bright stars
        // would otherwise correlate with each other at every shift between them (on synthetic
        // frames, 40 hot pixels gave pure noise a peak of S/N 10.4); faint stars stay below it
        double[] dev = new double[cnt];
        int q = 0;
        for (double v : b) if (Double.isFinite(v)) dev[q++] = v;
        double med = cnt > 0 ? Percentiles.medianAsSorted(dev, cnt) : 0;
        for (int i = 0; i < cnt; i++) dev[i] = Math.abs(dev[i] - med);
        double lim = cnt > 0 ? CLIP_SIGMA * 1.4826 * Percentiles.medianAsSorted(dev, cnt) : 0;
        for (int i = 0; i < b.length; i++)
            if (Double.isFinite(b[i])) b[i] = Math.max(med - lim, Math.min(med + lim, b[i]));
        int fw = PhaseCorrelation.padded(bw), fh = PhaseCorrelation.padded(bh);
        double[][][] h = PhaseCorrelation.halfSpectrum(b, bw, bh, PhaseCorrelation.finiteMean(b), fw, fh);
        return new Prepared(p.width, p.height, p.bin, bw, bh, fw, fh, h[0], h[1]);
    }

    /**
     * The binned plane turned by {@code deg} (from +x towards +y) about its centre, bilinear; NaN
     * where the turned plane has no source pixel (the window then sees the mean there).
     */
    static double[] rotated(double[] b, int bw, int bh, double deg) {
        double r = Math.toRadians(deg), cs = Math.cos(r), sn = Math.sin(r);
        double cx = (bw - 1) / 2.0, cy = (bh - 1) / 2.0;
        double[] out = new double[bw * bh];
        for (int y = 0; y < bh; y++)
            for (int x = 0; x < bw; x++) {
                double u = x - cx, v = y - cy;
                double sx = cx + cs * u + sn * v, sy = cy - sn * u + cs * v; // the inverse turn
                int x0 = (int) Math.floor(sx), y0 = (int) Math.floor(sy);
                double val = Double.NaN;
                if (x0 >= 0 && y0 >= 0 && x0 + 1 < bw && y0 + 1 < bh) {
                    double fx = sx - x0, fy = sy - y0;
                    int i = y0 * bw + x0;
                    val = (1 - fy) * ((1 - fx) * b[i] + fx * b[i + 1]) + fy * ((1 - fx) * b[i + bw] + fx * b[i + bw + 1]);
                }
                out[y * bw + x] = val;
            }
        return out;
    }

    /**
     * The full-resolution transform of a plane turned by {@code deg} before its correlation peak
     * gave {@code peak}: moving pixel p → reference pixel R(p − c) + c + (dx, dy), c the centre of
     * the binned area.
     */
    static Affine rotation(Plane p, double deg, Peak peak) {
        double cx = (p.bw * p.bin - 1) / 2.0, cy = (p.bh * p.bin - 1) / 2.0;
        double r = Math.toRadians(deg), cs = Math.cos(r), sn = Math.sin(r);
        return Affine.similarity(1, deg, cx - (cs * cx - sn * cy) + peak.dx(), cy - (sn * cx + cs * cy) + peak.dy());
    }

    /**
     * Reach, full px, of a turned fixed pattern's correlation with itself about the zero shift: a
     * pixel at distance ρ from the turn's centre moves by ρ·|θ|, at most the half diagonal's; plus
     * the zero-shift footprint (± 2 px). 0 for no turn.
     */
    static double patternReach(int width, int height, double turnDeg) {
        return turnDeg == 0 ? 0 : 2 + Math.abs(Math.toRadians(turnDeg)) * 0.5 * Math.hypot(width, height);
    }

    /**
     * The significance a peak needs: {@link #MIN_SNR_TURNED_NEAR_ZERO} for a plane turned by
     * {@code turnDeg} whose peak lies within {@link #patternReach} of the zero shift;
     * {@link #MIN_SNR} for a peak {@link #nearZero near the zero shift}, where the high band is
     * masked; else {@link #MIN_SNR_CONFIRMED}, with {@link #MIN_HIGH_SNR} in the high band
     * ({@link #neededHigh}).
     */
    static double needed(int width, int height, double turnDeg, Peak peak) {
        if (turnDeg != 0 && Math.hypot(peak.dx(), peak.dy()) <= patternReach(width, height, turnDeg)) return MIN_SNR_TURNED_NEAR_ZERO;
        return nearZero(binFor(width, height), peak) ? MIN_SNR : MIN_SNR_CONFIRMED;
    }

    /** The significance a peak needs in the high band: {@link #MIN_HIGH_SNR} where {@link #needed} is {@link #MIN_SNR_CONFIRMED}, else 0 (not asked). */
    static double neededHigh(int width, int height, double turnDeg, Peak peak) {
        return needed(width, height, turnDeg, peak) == MIN_SNR_CONFIRMED ? MIN_HIGH_SNR : 0;
    }

    /** Whether a peak reaches what it needs ({@link #needed}, {@link #neededHigh}). */
    static boolean accepts(int width, int height, double turnDeg, Peak peak) {
        double high = neededHigh(width, height, turnDeg, peak);
        return peak.snr() >= needed(width, height, turnDeg, peak) && (high == 0 || peak.highSnr() >= high);
    }

    /**
     * The smoothed correlation surface over the searched lags: {@code s[oy + dy][ox + dx]} is the lag
     * (dx, dy) binned px, searched for |dx| ≤ sx, |dy| ≤ sy (a margin of m cells beyond, for the
     * parabola).
     */
    record Surface(double[][] s, int ox, int oy, int sx, int sy, int bin) {}

    /** The correlation peak of {@code mov} on {@code ref} (same size and binning); null when they do not fit together. */
    static Peak peak(Prepared ref, Prepared mov) {
        Surface sf = surface(ref, mov, 0);
        if (sf == null) return null;
        Peak p = peak(sf);
        // the high band only where it can tell and could decide (away from the masked footprint)
        if (p.snr() < MIN_SNR_CONFIRMED || nearZero(ref.bin, p)) return p;
        return new Peak(p.dx(), p.dy(), p.snr(), highBandSnr(ref, mov, p));
    }

    /**
     * Whether a peak lies where the zero-shift footprint ({@link #maskFor}, replaced by a
     * quadratic) erases the high band: within one binned px beyond it.
     */
    static boolean nearZero(int bin, Peak p) {
        return Math.max(Math.abs(p.dx()), Math.abs(p.dy())) <= (maskFor(bin) + 1) * bin;
    }

    /**
     * The peak's significance in the high band alone: the surface of the radial frequencies from
     * {@value #HIGH_BAND} cycles per binned px on (made as {@link #surface}), its largest value
     * within one binned px of the peak's lag, above the median of the searched lags in units of
     * their robust noise. Stars, points in the binned plane, keep a good part of their
     * correlation there; two extended objects (a galaxy's core, a nebula, a star's halo, clipped
     * to discs) meeting each other keep almost none; and the noise of two bands is independent.
     */
    static double highBandSnr(Prepared ref, Prepared mov, Peak p) {
        Surface sf = surface(ref, mov, HIGH_BAND);
        double[][] sm = sf.s;
        int ox = sf.ox, oy = sf.oy, sx = sf.sx, sy = sf.sy;
        int n = (2 * sx + 1) * (2 * sy + 1), q = 0;
        double[] vals = new double[n];
        for (int j = oy - sy; j <= oy + sy; j++)
            for (int i = ox - sx; i <= ox + sx; i++) vals[q++] = sm[j][i];
        double med = Percentiles.medianAsSorted(vals, n);
        for (int i = 0; i < n; i++) vals[i] = Math.abs(vals[i] - med);
        double sd = 1.4826 * Percentiles.medianAsSorted(vals, n);
        int lx = (int) Math.round(p.dx() / sf.bin), ly = (int) Math.round(p.dy() / sf.bin);
        double at = Double.NEGATIVE_INFINITY;
        for (int b = -1; b <= 1; b++)
            for (int a = -1; a <= 1; a++) {
                int j = Math.max(oy - sy, Math.min(oy + sy, oy + ly + b)), i = Math.max(ox - sx, Math.min(ox + sx, ox + lx + a));
                at = Math.max(at, sm[j][i]);
            }
        return sd > 0 ? (at - med) / sd : 0;
    }

    /**
     * The smoothed, high-passed cross-correlation of {@code mov} on {@code ref}, its zero-shift
     * footprint replaced; with {@code band} &gt; 0 of the radial frequencies from {@code band}
     * cycles per binned px on only. Null when they do not fit together.
     */
    static Surface surface(Prepared ref, Prepared mov, double band) {
        if (ref.fw != mov.fw || ref.fh != mov.fh || ref.bin != mov.bin || ref.bw != mov.bw || ref.bh != mov.bh) return null;
        int fw = ref.fw, fh = ref.fh, hw = fw / 2 + 1, bin = ref.bin;
        double[][] re = new double[fh][hw], im = new double[fh][hw];
        // (1 − G)² with G the high pass's Gaussian: taken out of both frames
        double s2 = HIGH_PASS_PX / bin;
        double g = -2 * Math.PI * Math.PI * s2 * s2;
        double[] kx2 = new double[hw];
        for (int x = 0; x < hw; x++) kx2[x] = (double) x * x / ((double) fw * fw);
        double band2 = band * band;
        for (int y = 0; y < fh; y++) {
            int ky = y <= fh / 2 ? y : y - fh;
            double ky2 = (double) ky * ky / ((double) fh * fh);
            double[] rr = ref.re[y], ri = ref.im[y], mr = mov.re[y], mi = mov.im[y], or = re[y], oi = im[y];
            for (int x = 0; x < hw; x++) {
                if (kx2[x] + ky2 < band2) continue; // below the band: left at 0
                double h = 1 - Math.exp(g * (kx2[x] + ky2));
                h *= h;
                double ar = rr[x], ai = ri[x], br = mr[x], bi = -mi[x];
                or[x] = (ar * br - ai * bi) * h;
                oi[x] = (ar * bi + ai * br) * h;
            }
        }
        PhaseCorrelation.columns(re, im, TransformType.INVERSE);
        double[][] c = PhaseCorrelation.inverseRows(re, im, fw);
        // lags −(sx + m) … sx + m around zero, m the smoothing kernel's reach plus one for the parabola
        int sx = ref.bw / SEARCH_DIVISOR, sy = ref.bh / SEARCH_DIVISOR;
        int k = (int) Math.ceil(3 * SMOOTH_BINNED), m = k + 1;
        int gw = 2 * (sx + m) + 1, gh = 2 * (sy + m) + 1, ox = sx + m, oy = sy + m;
        double[][] s = new double[gh][gw];
        for (int j = 0; j < gh; j++) {
            double[] row = c[((j - oy) % fh + fh) % fh];
            for (int i = 0; i < gw; i++) s[j][i] = row[((i - ox) % fw + fw) % fw];
        }
        int r = maskFor(bin);
        maskZero(s, ox, oy, r);
        return new Surface(smooth(s, k), ox, oy, sx, sy, bin);
    }

    /** The surface's maximum over the searched lags, refined, and its significance. */
    static Peak peak(Surface sf) {
        double[][] sm = sf.s;
        int ox = sf.ox, oy = sf.oy, sx = sf.sx, sy = sf.sy, bin = sf.bin;
        // the maximum over the search range (first in row order on ties), the noise over the same range
        int n = (2 * sx + 1) * (2 * sy + 1), q = 0, px = ox, py = oy;
        double best = Double.NEGATIVE_INFINITY;
        double[] vals = new double[n];
        for (int j = oy - sy; j <= oy + sy; j++)
            for (int i = ox - sx; i <= ox + sx; i++) {
                double v = sm[j][i];
                vals[q++] = v;
                if (v > best) { best = v; px = i; py = j; }
            }
        double med = Percentiles.medianAsSorted(vals, n);
        for (int i = 0; i < n; i++) vals[i] = Math.abs(vals[i] - med);
        double sd = 1.4826 * Percentiles.medianAsSorted(vals, n);
        double fx = gaussian(sm[py][px - 1] - med, best - med, sm[py][px + 1] - med);
        double fy = gaussian(sm[py - 1][px] - med, best - med, sm[py + 1][px] - med);
        return new Peak((px - ox + fx) * bin, (py - oy + fy) * bin, sd > 0 ? (best - med) / sd : 0, Double.NaN);
    }

    /**
     * Sub-pixel offset of a peak from its height c above the surface's level and its neighbours' l
     * and r: the parabola through their logarithms (exact for a Gaussian peak, which a sampled
     * parabola pulls towards the sample), or through the values where a neighbour is not above the level.
     */
    private static double gaussian(double l, double c, double r) {
        if (l > 0 && c > 0 && r > 0) return parabola(Math.log(l), Math.log(c), Math.log(r));
        return parabola(l, c, r);
    }

    private static double parabola(double l, double c, double r) {
        double den = l - 2 * c + r;
        return den < 0 ? Math.max(-0.5, Math.min(0.5, 0.5 * (l - r) / den)) : 0;
    }

    /**
     * Replaces lags |dx|, |dy| ≤ r about (ox, oy) by the quadratic a + b·dx + c·dy + d·dx² + e·dy² +
     * f·dx·dy fitted (least squares) to the ring of lags at Chebyshev distance r + 1: the fixed
     * pattern correlates there and only there, the stars' correlation is smooth across it.
     */
    static void maskZero(double[][] s, int ox, int oy, int r) {
        double[][] a = new double[6][7];
        int d = r + 1;
        for (int dy = -d; dy <= d; dy++)
            for (int dx = -d; dx <= d; dx++) {
                if (Math.max(Math.abs(dx), Math.abs(dy)) != d) continue;
                double[] f = {1, dx, dy, dx * dx, dy * dy, dx * dy};
                double z = s[oy + dy][ox + dx];
                for (int i = 0; i < 6; i++) {
                    for (int j = 0; j < 6; j++) a[i][j] += f[i] * f[j];
                    a[i][6] += f[i] * z;
                }
            }
        double[] co = org.tessera.math.LinearSystem.solve(a); // never singular: a square ring of 8 d lags fixes a quadratic
        for (int dy = -r; dy <= r; dy++)
            for (int dx = -r; dx <= r; dx++)
                s[oy + dy][ox + dx] = co[0] + co[1] * dx + co[2] * dy + co[3] * dx * dx + co[4] * dy * dy + co[5] * dx * dy;
    }

    /** Separable Gaussian (σ {@link #SMOOTH_BINNED}, reach k) of s; valid k cells in from each edge. */
    static double[][] smooth(double[][] s, int k) {
        double[] w = new double[2 * k + 1];
        double tot = 0;
        for (int i = -k; i <= k; i++) tot += w[i + k] = Math.exp(-0.5 * i * i / (SMOOTH_BINNED * SMOOTH_BINNED));
        for (int i = 0; i < w.length; i++) w[i] /= tot;
        int h = s.length, wd = s[0].length;
        double[][] t = new double[h][wd], out = new double[h][wd];
        for (int y = 0; y < h; y++)
            for (int x = k; x < wd - k; x++) {
                double v = 0;
                for (int i = -k; i <= k; i++) v += w[i + k] * s[y][x + i];
                t[y][x] = v;
            }
        for (int y = k; y < h - k; y++)
            for (int x = k; x < wd - k; x++) {
                double v = 0;
                for (int i = -k; i <= k; i++) v += w[i + k] * t[y + i][x];
                out[y][x] = v;
            }
        return out;
    }
}
