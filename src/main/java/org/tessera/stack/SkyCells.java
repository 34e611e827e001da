package org.tessera.stack;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * linear_fit's gain and offset measured on the frames' own pixels (Tessera's estimator; the
 * original's percentile formula is kept as the fallback, {@link Normalization}).
 *
 * <p>Why: the original maps the 25th/90th percentiles of a frame onto the reference's. When two
 * nights of one pointing have sky gradients of other directions or shapes (another moon, another
 * altitude, vignetting turned by the field rotation), the percentile span measures the gradient
 * and not the photometric scale, and gains of 0.4–1.6 come out where the truth is within ±8 %.
 * Here the sky <em>shape</em> is removed first and the scale is taken from what both frames see
 * through the same optics: the light of the sources.
 *
 * <p>How: each frame (already on the reference's grid) is averaged into cells of {@link #CELL}²
 * pixels or more (at most {@link #MAX_CELLS} cells; cells with any non-finite pixel are left
 * out). Per channel and frame, the background is a polynomial of degree {@link #DEGREE} fitted on
 * one set of sky cells common to both frames ({@link #backgrounds}), which follows planes,
 * gradients of any direction and vignetting; the sources are the cells whose
 * background-subtracted level, in units of each frame's own noise, is significant in the two frames together (dilated by one
 * cell so that seeing and sub-pixel shifts move no flux out). gain = Σ ref′ / Σ frame′ over those
 * cells — a ratio of sums, unbiased by the noise of either frame, unlike a regression — taken over
 * the sources (connected groups of cells) whose two fluxes agree with it within noise and 10 %:
 * light in one frame only (satellite trails, cosmic rays) is left out, starting from the median of
 * the sources' ratios (a trail through 24 frames of a test field made gains of 0.3 otherwise); and
 * offset = mean of (ref background − gain · frame background) over the common cells, so that the
 * two skies agree on average where both frames see the sky (their shapes may differ: no constant
 * makes them agree everywhere). Memory: at most {@link #MAX_CELLS} floats and doubles per channel and frame
 * being measured, and once per reference the grid's polynomial terms ({@link #TERMS} doubles per cell, 5 MB).
 */
final class SkyCells {
    /** Smallest cell side in pixels: flux of a star stays within its cell and the next at any seeing. */
    static final int CELL = 4;
    /** Cells per frame at most (larger frames get larger cells: 9 px on a 2203² canvas; 18 px cells left 10 s Seestar subs below MIN_SNR). */
    static final int MAX_CELLS = 65536;
    /** Sources: combined significance above this many σ, then dilated by one cell. */
    static final double SOURCE_SIGMA = 5;
    /** The summed source signal of the frame must exceed this many σ of its noise (gain good to ~5 %; the percentile fallback is off by 15–50 % across nights). */
    static final double MIN_SNR = 30;
    /** Fewest common cells (sources and background) for a fit. */
    static final int MIN_CELLS = 64;

    final int cell, cw, ch, channels;
    /** Per channel, cell means (NaN where a pixel of the cell is not finite). */
    final float[][] mean;

    /** Per channel, cell sums: non-finite exactly where a pixel of the cell is (a NaN or ±Inf pixel makes the sum NaN or ±Inf; finite floats never overflow a double). */
    private final double[][] sum;

    SkyCells(int width, int height, int channels) {
        this.cell = cellSide(width, height);
        this.cw = width / cell;
        this.ch = height / cell;
        this.channels = channels;
        this.mean = new float[channels][cw * ch];
        this.sum = new double[channels][cw * ch];
    }

    static int cellSide(int width, int height) {
        return (int) Math.max(CELL, Math.ceil(Math.sqrt((double) width * height / MAX_CELLS)));
    }

    /**
     * Adds row y of channel c, pixels {@code row[off + x]} for x = 0..cw·cell (the ragged right and
     * bottom edges are ignored), in raster order; a cell with a non-finite pixel becomes NaN.
     */
    void addRow(int c, int y, float[] row, int off) {
        int cy = y / cell;
        if (cy >= ch) return;
        double[] sc = sum[c];
        // Every pixel is added, without a test: a non-finite one leaves the sum non-finite, which
        // marks the cell; a finite cell's sum is the same additions in the same order as with a test.
        for (int cx = 0, k = cy * cw, x = off; cx < cw; cx++, k++) {
            double s = sc[k];
            for (int e = x + cell; x < e; x++) s += row[x];
            sc[k] = s;
        }
    }

    /**
     * {@link #addRow} of a row whose pixels outside columns [a, e) are NaN (a spooled row's span): a
     * cell wholly outside is set non-finite at once, as adding its NaN pixels would leave it, and
     * only the cells that meet the span are summed, pixel by pixel as there.
     */
    void addRow(int c, int y, float[] row, int off, int a, int e) {
        int cy = y / cell;
        if (cy >= ch) return;
        double[] sc = sum[c];
        int k0 = cy * cw;
        // cells [ca, ce) meet [a, e); none when the span is empty
        int ca = e > a ? Math.min(cw, a / cell) : cw, ce = e > a ? Math.min(cw, (e + cell - 1) / cell) : cw;
        for (int cx = 0; cx < ca; cx++) sc[k0 + cx] = Double.NaN;
        for (int cx = ca, k = k0 + ca, x = off + ca * cell; cx < ce; cx++, k++) {
            double s = sc[k];
            for (int end = x + cell; x < end; x++) s += row[x];
            sc[k] = s;
        }
        for (int cx = ce; cx < cw; cx++) sc[k0 + cx] = Double.NaN;
    }

    /** Closes the accumulation: cell means, NaN where a pixel was not finite. */
    SkyCells finish() {
        double n = cell * cell;
        for (int c = 0; c < channels; c++)
            for (int k = 0; k < mean[c].length; k++) mean[c][k] = Double.isFinite(sum[c][k]) ? (float) (sum[c][k] / n) : Float.NaN;
        return this;
    }

    /**
     * gain and offset mapping {@code src} onto {@code ref} in channel c; {@code why} non-null when not
     * measurable. {@code shared}: the fraction of the frame's cells that the reference also covers;
     * {@code skyOffset}: mean of (ref background − frame background) over the common cells (the
     * offset at gain 1), NaN when the common cells are too few to fit the backgrounds.
     */
    record Fit(double gain, double offset, String why, double shared, double skyOffset) {
        Fit(double gain, double offset, String why) { this(gain, offset, why, Double.NaN, Double.NaN); }
        static Fit none(String why) { return new Fit(Double.NaN, Double.NaN, why); }
        static Fit none(String why, double shared, double skyOffset) {
            return new Fit(Double.NaN, Double.NaN, why, shared, skyOffset);
        }
    }

    static Fit fit(SkyCells ref, SkyCells src, int c) {
        return fit(ref, src, c, new Work());
    }

    /** As above, with a worker's scratch ({@link Work}: the same values, without new arrays per fit). */
    static Fit fit(SkyCells ref, SkyCells src, int c, Work work) {
        if (ref.cw != src.cw || ref.ch != src.ch) return Fit.none("frames differ in shape");
        int n = ref.cw * ref.ch;
        Work wk = work.size(n);
        float[] r = ref.mean[c], s = src.mean[c];
        boolean[] common = wk.common;
        int nCommon = 0, nSrc = 0;
        for (int k = 0; k < n; k++) {
            boolean b = Float.isFinite(r[k]) && Float.isFinite(s[k]);
            common[k] = b;
            nCommon += b ? 1 : 0;
            nSrc += Float.isFinite(s[k]) ? 1 : 0;
        }
        double shared = nSrc == 0 ? 0 : (double) nCommon / nSrc;
        if (nCommon < MIN_CELLS)
            return Fit.none(nCommon + " common cells of " + ref.cell + "x" + ref.cell + " px", shared, Double.NaN);
        // Each frame's background from the common cells only, so both are judged on the same sky.
        double[][] bg = backgrounds(r, s, common, ref.cw, ref.ch, ref.terms(), wk);
        double[] rb = bg[0], sb = bg[1];
        double d1 = 0;
        for (int k = 0; k < n; k++) if (common[k]) d1 += rb[k] - sb[k];
        double sky1 = d1 / nCommon;
        // rr, sr (scratch) are read only where common: every such entry is written here
        double[] rr = wk.rr, sr = wk.sr;
        for (int k = 0; k < n; k++) {
            if (!common[k]) continue;
            rr[k] = r[k] - rb[k];
            sr[k] = s[k] - sb[k];
        }
        double sigR = mad(rr, common, nCommon, wk), sigS = mad(sr, common, nCommon, wk);
        // A noiseless frame has a MAD of 0: any positive residual is then a source.
        double floorR = 1e-6 * (Math.abs(median(r, common, wk)) + 1e-30);
        double floorS = 1e-6 * (Math.abs(median(s, common, wk)) + 1e-30);
        sigR = Math.max(sigR, floorR);
        sigS = Math.max(sigS, floorS);
        boolean[] seed = wk.seed;
        double cut = SOURCE_SIGMA * Math.sqrt(2);
        for (int k = 0; k < n; k++) seed[k] = common[k] && rr[k] / sigR + sr[k] / sigS > cut;
        boolean[] src1 = dilate(seed, common, ref.cw, ref.ch, wk.src1);
        // Per source (a connected group of cells): its light in each frame. Fluxes of the same
        // source keep their ratio at any seeing; light seen by one frame only (a satellite or
        // plane trail, a cosmic ray, a hot column) does not, and must not become a gain.
        // Cells lit in one frame only are cut out first, grown by one cell, so that a trail
        // neither joins the stars it crosses into one source nor carries its light into one.
        boolean[] oneFrame = oneFrameCells(src1, rr, sr, sigR, sigS, wk);
        boolean[] cut1 = dilate(oneFrame, common, ref.cw, ref.ch, wk.cut1);
        for (int k = 0; k < n; k++) if (cut1[k]) src1[k] = false;
        double[][] comp = components(src1, rr, sr, ref.cw, ref.ch, wk);
        if (comp.length == 0) return Fit.none("no sources above " + SOURCE_SIGMA + " sigma", shared, sky1);
        double varR = sigR * sigR, varS = sigS * sigS;
        boolean[] keep = new boolean[comp.length];
        Arrays.fill(keep, true);
        double g = robustRatio(comp, varR, varS);
        if (!Double.isFinite(g)) return Fit.none("no source measurable in both frames", shared, sky1);
        for (int it = 0; it < CLIP_ITERATIONS; it++) {
            boolean changed = false;
            double sr2 = 0, ss2 = 0;
            for (int j = 0; j < comp.length; j++) {
                double[] q = comp[j];
                double tol = OUTLIER_SIGMA * Math.sqrt(q[2] * (varR + g * g * varS)) + OUTLIER_FRACTION * Math.abs(q[0]);
                boolean k = Math.abs(q[0] - g * q[1]) <= tol;
                changed |= k != keep[j];
                keep[j] = k;
                if (k) {
                    sr2 += q[0];
                    ss2 += q[1];
                }
            }
            if (!(ss2 > 0)) return Fit.none("no source measurable in both frames", shared, sky1);
            g = sr2 / ss2;
            if (!changed && it > 0) break;
        }
        double sumS = 0;
        int m = 0;
        for (int j = 0; j < comp.length; j++)
            if (keep[j]) {
                sumS += comp[j][1];
                m += (int) comp[j][2];
            }
        double snr = sumS / (sigS * Math.sqrt(m));
        if (!(snr >= MIN_SNR)) return Fit.none(String.format(java.util.Locale.ROOT,
                "sources too faint (S/N %.1f < %.0f over %d cells)", snr, MIN_SNR, m), shared, sky1);
        // The skies' shapes may differ: no offset makes them agree everywhere; this one makes
        // their mean over the common cells agree (the least-squares constant), from the smooth
        // backgrounds, so neither noise nor stars move it.
        double o = 0;
        for (int k = 0; k < n; k++) if (common[k]) o += rb[k] - g * sb[k];
        return new Fit(g, o / nCommon, null, shared, sky1);
    }

    /**
     * Each frame's background: a polynomial of degree {@link #DEGREE} in the cell coordinates,
     * fitted by least squares to the <em>same</em> sky cells in both frames; a cell is no sky when
     * either frame has it more than 3 σ above its fit (a source; grown by one cell) or 6 σ below
     * (a defect), until the set settles. One set for both makes the background removal the same
     * linear operation on both frames, so a nebula or galaxy, which a polynomial partly follows,
     * keeps the same share of its light in both: per-frame masks, which noise moves, gave same-night
     * frames gains 0.89–1.13 on bench/e2e. Evaluated on the cells given: {ref's, src's}.
     */
    static double[][] backgrounds(float[] r, float[] s, boolean[] use, int cw, int ch) {
        return backgrounds(r, s, use, cw, ch, terms(cw, ch), new Work().size(r.length));
    }

    /**
     * As above, with the grid's polynomial terms {@link #terms(int, int)} (the same for every frame
     * of the grid) and scratch sized for r.length cells; the backgrounds returned are the scratch's
     * (valid until its next use), and only the cells of {@code use} are written.
     */
    static double[][] backgrounds(float[] r, float[] s, boolean[] use, int cw, int ch, double[] t, Work wk) {
        int n = r.length;
        Columns cols = wk.cols;
        boolean[] sky = wk.sky, next = wk.next;
        System.arraycopy(use, 0, sky, 0, n);
        double[] ar = null, as = null;
        double[] fit = wk.fit;
        int[] cells = wk.cells;
        int nUse = 0;
        for (int k = 0; k < n; k++) if (use[k]) cells[nUse++] = k;
        for (int it = 0; it < CLIP_ITERATIONS; it++) {
            int m = 0;
            for (boolean b : sky) if (b) m++;
            if (m < 3 * TERMS) break; // keep the last fit
            double[][] a = solve(t, r, s, sky, cols);
            ar = a[0];
            as = a[1];
            boolean[] src = wk.src, dark = wk.dark;
            Arrays.fill(src, 0, n, false);
            Arrays.fill(dark, 0, n, false);
            double[] fitS = wk.fitS;
            evaluate(ar, as, t, cells, nUse, fit, fitS); // once per cell, used twice in each flag
            flag(r, fit, sky, cells, nUse, src, dark, wk);
            flag(s, fitS, sky, cells, nUse, src, dark, wk);
            boolean[] grown = dilate(src, use, cw, ch, wk.grown);
            for (int k = 0; k < n; k++) next[k] = use[k] && !grown[k] && !dark[k];
            if (Arrays.equals(next, 0, n, sky, 0, n)) break;
            boolean[] was = sky; // the next round's sky; the old one becomes the next round's scratch
            sky = next;
            next = was;
        }
        double[] outR = wk.outR, outS = wk.outS;
        if (ar == null) { // too few cells for a surface: a constant, the median
            Arrays.fill(outR, 0, n, median(r, use, wk));
            Arrays.fill(outS, 0, n, median(s, use, wk));
            return new double[][] {outR, outS};
        }
        evaluate(ar, as, t, cells, nUse, outR, outS);
        return new double[][] {outR, outS};
    }

    /** Marks (ORs into src and dark) the cells of v far above or below its fit (evaluated at the cells used). */
    private static void flag(float[] v, double[] fit, boolean[] sky, int[] cells, int nUse, boolean[] src, boolean[] dark,
                             Work wk) {
        double[] res = wk.vals;
        int q = 0;
        for (int k = 0; k < v.length; k++) if (sky[k]) res[q++] = v[k] - fit[k];
        double mid = select(res, q, wk);
        for (int i = 0; i < q; i++) res[i] = Math.abs(res[i] - mid);
        double sig = 1.4826 * select(res, q, wk);
        for (int u = 0; u < nUse; u++) {
            int k = cells[u];
            double d = v[k] - fit[k] - mid;
            if (d > 3 * sig) src[k] = true;
            if (d < -6 * sig) dark[k] = true;
        }
    }

    private static double median(float[] v, boolean[] use, Work wk) {
        double[] c = wk.vals;
        int q = 0;
        for (int k = 0; k < v.length; k++) if (use[k]) c[q++] = v[k];
        return q == 0 ? 0 : select(c, q, wk);
    }

    /** Degree of the background surface: a gradient and its curvature (vignetting), never a star. */
    static final int DEGREE = 3;
    static final int TERMS = (DEGREE + 1) * (DEGREE + 2) / 2;
    static final int CLIP_ITERATIONS = 8;

    private static double[] terms(double x, double y) {
        double[] t = new double[TERMS];
        int k = 0;
        for (int d = 0; d <= DEGREE; d++)
            for (int j = 0; j <= d; j++) t[k++] = Math.pow(x, d - j) * Math.pow(y, j);
        return t;
    }

    /** The terms of every cell of a cw × ch grid, cell k's at {@code [k·TERMS, (k + 1)·TERMS)}. */
    static double[] terms(int cw, int ch) {
        int n = cw * ch;
        double[] t = new double[n * TERMS];
        for (int k = 0; k < n; k++)
            System.arraycopy(terms(2.0 * (k % cw + 0.5) / cw - 1, 2.0 * (k / cw + 0.5) / ch - 1), 0, t, k * TERMS, TERMS);
        return t;
    }

    private double[] terms;

    /** This grid's terms, computed once (the survey's reference serves every frame's fits, from any worker). */
    synchronized double[] terms() {
        if (terms == null) terms = terms(cw, ch);
        return terms;
    }

    /** The fit a evaluated at cell k: Σ a[i]·t_i(k), i in order. */
    private static double dot(double[] a, double[] t, int k) {
        double s = 0;
        for (int i = 0, o = k * TERMS; i < TERMS; i++) s += a[i] * t[o + i];
        return s;
    }

    /**
     * out1[k], out2[k] = the fits a1, a2 at cell k for the listed cells: each cell's sum in the order
     * of {@link #dot}, four cells of both fits at a time, so eight chains of additions are
     * independent (one cell's chain alone waits on each addition) and each term is loaded once for
     * both fits (one fit at a time took twice as long).
     */
    static void evaluate(double[] a1, double[] a2, double[] t, int[] cells, int count, double[] out1, double[] out2) {
        int u = 0;
        for (; u + 4 <= count; u += 4) {
            int k0 = cells[u], k1 = cells[u + 1], k2 = cells[u + 2], k3 = cells[u + 3];
            int o0 = k0 * TERMS, o1 = k1 * TERMS, o2 = k2 * TERMS, o3 = k3 * TERMS;
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0, r0 = 0, r1 = 0, r2 = 0, r3 = 0;
            for (int i = 0; i < TERMS; i++) {
                double ai = a1[i], bi = a2[i], t0 = t[o0 + i], t1 = t[o1 + i], t2 = t[o2 + i], t3 = t[o3 + i];
                s0 += ai * t0;
                s1 += ai * t1;
                s2 += ai * t2;
                s3 += ai * t3;
                r0 += bi * t0;
                r1 += bi * t1;
                r2 += bi * t2;
                r3 += bi * t3;
            }
            out1[k0] = s0;
            out1[k1] = s1;
            out1[k2] = s2;
            out1[k3] = s3;
            out2[k0] = r0;
            out2[k1] = r1;
            out2[k2] = r2;
            out2[k3] = r3;
        }
        for (; u < count; u++) {
            out1[cells[u]] = dot(a1, t, cells[u]);
            out2[cells[u]] = dot(a2, t, cells[u]);
        }
    }

    /** Scratch of {@link #solve}: a chunk of used cells' terms and values by column, kept over a fit's rounds. */
    static final class Columns {
        /** Cells per chunk: 12 columns of 256 doubles, 24 KiB. */
        static final int CHUNK = 256;
        final double[][] t = new double[TERMS][CHUNK];
        final double[] v1 = new double[CHUNK], v2 = new double[CHUNK];
    }

    /**
     * Least squares through the normal equations (TERMS unknowns, coordinates within ±1) for two
     * value sets on the same cells: one normal matrix and one decomposition serve both. Each sum
     * runs over the used cells in raster order (gathered by column, a cache-sized chunk at a time),
     * four sums per loop kept in registers: the same products added in the same order as one cell
     * at a time.
     */
    private static double[][] solve(double[] t, float[] v1, float[] v2, boolean[] use, Columns cols) {
        double[][] e = normalEquations(t, v1, v2, use, cols);
        double[][] ata = Arrays.copyOf(e, TERMS);
        org.apache.commons.math3.linear.DecompositionSolver qr = new org.apache.commons.math3.linear.QRDecomposition(
                new org.apache.commons.math3.linear.Array2DRowRealMatrix(ata, false)).getSolver();
        return new double[][] {qr.solve(new org.apache.commons.math3.linear.ArrayRealVector(e[TERMS], false)).toArray(),
                qr.solve(new org.apache.commons.math3.linear.ArrayRealVector(e[TERMS + 1], false)).toArray()};
    }

    /** The normal equations of {@link #solve}: TERMS rows of AᵀA, then Aᵀv1 and Aᵀv2. */
    static double[][] normalEquations(double[] t, float[] v1, float[] v2, boolean[] use, Columns cols) {
        double[][] c = cols.t;
        double[] x1 = cols.v1, x2 = cols.v2;
        double[][] ata = new double[TERMS][TERMS];
        double[] b1 = new double[TERMS], b2 = new double[TERMS];
        // By chunks of used cells small enough to stay in the first-level cache while every sum
        // passes over them; each sum carries on from one chunk to the next, so it still adds the
        // cells one after another in raster order.
        for (int k = 0, n = v1.length; k < n; ) {
            int m = 0;
            for (; k < n && m < Columns.CHUNK; k++) {
                if (!use[k]) continue;
                for (int i = 0, o = k * TERMS; i < TERMS; i++) c[i][m] = t[o + i];
                x1[m] = v1[k];
                x2[m] = v2[k];
                m++;
            }
            if (m > 0) accumulate(c, x1, x2, m, ata, b1, b2);
        }
        for (int i = 0; i < TERMS; i++) for (int j = i + 1; j < TERMS; j++) ata[i][j] = ata[j][i];
        double[][] out = Arrays.copyOf(ata, TERMS + 2);
        out[TERMS] = b1;
        out[TERMS + 1] = b2;
        return out;
    }

    /** Adds m cells (by column) to the lower triangle of AᵀA and to Aᵀv1, Aᵀv2, four sums per loop kept in registers. */
    private static void accumulate(double[][] c, double[] x1, double[] x2, int m, double[][] ata, double[] b1, double[] b2) {
        for (int i = 0; i < TERMS; i++) {
            double[] ci = c[i], row = ata[i];
            int j = 0;
            for (; j + 4 <= i; j += 4) { // off the diagonal: j < i
                double[] c0 = c[j], c1 = c[j + 1], c2 = c[j + 2], c3 = c[j + 3];
                double s0 = row[j], s1 = row[j + 1], s2 = row[j + 2], s3 = row[j + 3];
                for (int q = 0; q < m; q++) {
                    double x = ci[q];
                    s0 += x * c0[q];
                    s1 += x * c1[q];
                    s2 += x * c2[q];
                    s3 += x * c3[q];
                }
                row[j] = s0;
                row[j + 1] = s1;
                row[j + 2] = s2;
                row[j + 3] = s3;
            }
            for (; j + 2 <= i; j += 2) {
                double[] c0 = c[j], c1 = c[j + 1];
                double s0 = row[j], s1 = row[j + 1];
                for (int q = 0; q < m; q++) {
                    double x = ci[q];
                    s0 += x * c0[q];
                    s1 += x * c1[q];
                }
                row[j] = s0;
                row[j + 1] = s1;
            }
            // the last one off the diagonal (if any), the diagonal and both right-hand sides
            double[] cj = c[j];
            double o = row[j], d = row[i], s1 = b1[i], s2 = b2[i];
            for (int q = 0; q < m; q++) {
                double x = ci[q];
                o += x * cj[q];
                d += x * x;
                s1 += x * x1[q];
                s2 += x * x2[q];
            }
            row[j] = o; // j == i when nothing is left off the diagonal: then o == d
            row[i] = d;
            b1[i] = s1;
            b2[i] = s2;
        }
    }

    /** A source's flux may differ between the frames by this fraction of it beyond the noise (cells cut at the aperture's edge). */
    static final double OUTLIER_FRACTION = 0.1;
    /** ... and by this many σ of the noise summed over its cells. */
    static final double OUTLIER_SIGMA = 5;

    /**
     * Cells of the mask whose light the two frames do not share: more than 5 σ apart and by more
     * than half the brighter side, at the starting ratio (the median ratio of the cells bright
     * in both). Seeing moves at most a factor ~1.5 of a star's light between its core cells; a
     * trail or cosmic ray is in one frame and not at all in the other.
     */
    static boolean[] oneFrameCells(boolean[] mask, double[] rr, double[] sr, double sigR, double sigS, Work wk) {
        double[] ratios = wk.vals;
        int q = 0;
        for (int k = 0; k < mask.length; k++)
            if (mask[k] && rr[k] > OUTLIER_SIGMA * sigR && sr[k] > OUTLIER_SIGMA * sigS) ratios[q++] = rr[k] / sr[k];
        boolean[] out = wk.oneFrame;
        Arrays.fill(out, 0, mask.length, false);
        if (q == 0) return out;
        double g0 = select(ratios, q, wk);
        double sig = Math.sqrt(sigR * sigR + g0 * g0 * sigS * sigS);
        for (int k = 0; k < mask.length; k++) {
            if (!mask[k]) continue;
            double a = rr[k], b = g0 * sr[k];
            out[k] = Math.abs(a - b) > OUTLIER_SIGMA * sig + 0.5 * Math.max(Math.abs(a), Math.abs(b));
        }
        return out;
    }

    /**
     * Connected groups (8-neighbours) of the mask's cells: per group {Σ ref′, Σ src′, cells}.
     */
    static double[][] components(boolean[] mask, double[] rr, double[] sr, int cw, int ch, Work wk) {
        int[] label = wk.label;
        Arrays.fill(label, 0, mask.length, -1);
        List<double[]> out = new ArrayList<>();
        int[] stack = wk.stack;
        for (int start = 0; start < mask.length; start++) {
            if (!mask[start] || label[start] >= 0) continue;
            double[] q = new double[3];
            int top = 0;
            stack[top++] = start;
            label[start] = out.size();
            while (top > 0) {
                int k = stack[--top];
                q[0] += rr[k];
                q[1] += sr[k];
                q[2]++;
                int x = k % cw, y = k / cw;
                for (int j = Math.max(0, y - 1); j <= Math.min(ch - 1, y + 1); j++)
                    for (int i = Math.max(0, x - 1); i <= Math.min(cw - 1, x + 1); i++) {
                        int nb = j * cw + i;
                        if (mask[nb] && label[nb] < 0) {
                            label[nb] = out.size();
                            stack[top++] = nb;
                        }
                    }
            }
            out.add(q);
        }
        return out.toArray(new double[0][]);
    }

    /**
     * The starting ratio: the median of the sources' flux ratios among those measured in both
     * frames at 5 σ or more (by count, so that one bright trail cannot outvote the stars); NaN
     * when no source is.
     */
    private static double robustRatio(double[][] comp, double varR, double varS) {
        double[] ratios = new double[comp.length];
        int q = 0;
        for (double[] c : comp)
            if (c[0] > OUTLIER_SIGMA * Math.sqrt(c[2] * varR) && c[1] > OUTLIER_SIGMA * Math.sqrt(c[2] * varS))
                ratios[q++] = c[0] / c[1];
        return q == 0 ? Double.NaN : SmallSelect.median(Arrays.copyOf(ratios, q), q);
    }

    /** The seed's cells grown by one cell (8-neighbours) within use, into out (returned). */
    private static boolean[] dilate(boolean[] seed, boolean[] use, int cw, int ch, boolean[] out) {
        Arrays.fill(out, 0, seed.length, false);
        for (int y = 0; y < ch; y++)
            for (int x = 0; x < cw; x++) {
                if (!seed[y * cw + x]) continue;
                for (int j = Math.max(0, y - 1); j <= Math.min(ch - 1, y + 1); j++)
                    for (int i = Math.max(0, x - 1); i <= Math.min(cw - 1, x + 1); i++)
                        if (use[j * cw + i]) out[j * cw + i] = true;
            }
        return out;
    }

    private static double mad(double[] v, boolean[] use, int n, Work wk) {
        double[] a = wk.vals;
        int q = 0;
        for (int k = 0; k < v.length; k++) if (use[k]) a[q++] = v[k];
        double m = select(a, q, wk);
        for (int i = 0; i < q; i++) a[i] = Math.abs(a[i] - m);
        return 1.4826 * select(a, q, wk);
    }

    /** Median of the first n values (a itself is left as it is: selected on a copy in wk.sel). */
    private static double select(double[] a, int n, Work wk) {
        double[] c = wk.sel;
        if (n >= BRACKETED) {
            double m = bracketedMedian(a, n, c, wk.sample);
            if (!Double.isNaN(m)) return m;
        }
        System.arraycopy(a, 0, c, 0, n);
        return SmallSelect.median(c, n); // the sorted definition, by selection
    }

    /** From this many values on, {@link #select} first tries {@link #bracketedMedian}. */
    static final int BRACKETED = 2048;
    /** Values sampled for the bracket, and how many sample ranks it reaches on each side of the middle. */
    private static final int SAMPLE = 256, REACH = 24;

    /**
     * The median of a[0..n) (finite values), as {@link SmallSelect#median} gives it, from the values
     * between two bounds only: the bounds are sample quantiles around the middle (evenly spaced
     * values), one branch-free pass counts the values below the lower bound and copies those
     * between the bounds into c (a fifth of them, about), and the middle ranks are selected among
     * those. NaN when a middle rank falls outside the bounds (then the caller selects among all).
     * The middle ranks' values are those of the whole set, so the median is the same value; only
     * the sign of a zero may differ, which neither a residual's deviation nor a comparison sees.
     * A whole-set selection cost more than twice as much (the sky flags select twice per frame,
     * fit and round).
     */
    static double bracketedMedian(double[] a, int n, double[] c, double[] sample) {
        for (int j = 0; j < SAMPLE; j++) sample[j] = a[(int) ((long) j * n / SAMPLE)];
        Arrays.sort(sample, 0, SAMPLE);
        double lo = sample[SAMPLE / 2 - REACH], hi = sample[SAMPLE / 2 + REACH];
        int below = 0, m = 0;
        for (int i = 0; i < n; i++) {
            double v = a[i];
            below += v < lo ? 1 : 0;
            c[m] = v;
            m += v >= lo & v <= hi ? 1 : 0;
        }
        int h = n >>> 1, first = (n & 1) == 1 ? h : h - 1; // the middle ranks: first and h
        if (first < below || h >= below + m) return Double.NaN;
        int k = h - below;
        double upper = SmallSelect.kth(c, m, k);
        if ((n & 1) == 1) return upper;
        double lower = c[0]; // after kth, c[0..k) holds the window's k smallest (k ≥ 1): their maximum is rank h − 1
        for (int i = 1; i < k; i++) if (c[i] > lower) lower = c[i];
        return 0.5 * (lower + upper);
    }

    /**
     * A fit's scratch, kept by a statistics worker from frame to frame and channel to channel: a fit
     * made ~35 arrays of one value per cell (~12 MB on a 2203² canvas's 244² cells), which was most
     * of Phase 3's allocation. Every array is written before it is read, so a fit gives the same
     * values with fresh or used scratch (SurveyStatsTest). Not thread-safe: one per worker.
     */
    static final class Work {
        final Columns cols = new Columns();
        private int n = -1;
        boolean[] common, seed, src1, cut1, oneFrame, sky, next, src, dark, grown;
        double[] rr, sr, fit, fitS, vals, sel, outR, outS;
        final double[] sample = new double[SAMPLE];
        int[] cells, label, stack;

        /** Arrays of exactly n cells (kept while the grid stays the same). */
        Work size(int n) {
            if (this.n == n) return this;
            this.n = n;
            common = new boolean[n]; seed = new boolean[n]; src1 = new boolean[n]; cut1 = new boolean[n];
            oneFrame = new boolean[n]; sky = new boolean[n]; next = new boolean[n]; src = new boolean[n];
            dark = new boolean[n]; grown = new boolean[n];
            rr = new double[n]; sr = new double[n]; fit = new double[n]; fitS = new double[n]; vals = new double[n];
            sel = new double[n];
            outR = new double[n]; outS = new double[n];
            cells = new int[n]; label = new int[n]; stack = new int[n];
            return this;
        }
    }
}
