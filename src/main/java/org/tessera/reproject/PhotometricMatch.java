package org.tessera.reproject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

import org.tessera.math.Percentiles;
import org.tessera.wcs.WcsGrid;
import org.tessera.wcs.WcsMapping;

/**
 * Makes overlapping tiles agree before they are coadded (reference.md §6), working only on
 * low-resolution luminance previews on a downscaled copy of the final grid, so it costs little
 * memory and time whatever the tiles' size:
 * <ol>
 * <li>inter-tile gain/offset: pairs overlapping ≥ 5%, the 8 strongest neighbours of each tile
 * plus the bridges of a maximum spanning forest (so the graph stays connected), and, chosen the
 * same way, thinner overlaps between tiles that those leave apart; per pair a
 * robust affine fit y = a·x + b with 2.5σ clipping (on the overlap's structure after removing
 * planar trends, or on pixels of the [30, 70] sky percentile band) and the standard error of a;
 * gains from {@link GainSolve} (log space, whole graph at once, weights 1/σ², anchored on the
 * median tile, kept at 1 unless significant), offsets from a global weighted least-squares
 * solve with the best-connected tile of each connected group as anchor; then recentring of the
 * offsets, blending toward neutral and the original's clamps;</li>
 * <li>background matching: per-tile additive offsets from the median differences in the
 * overlaps, solved globally with a zero mean (astropy's {@code match_background});</li>
 * <li>two-pass coverage renormalisation: per-tile gain = median of blur(coverage)/coverage over
 * the tile's footprint.</li>
 * </ol>
 * Tessera's choices where the original is loose: the pair fit is an orthogonal (total) least
 * squares line, unbiased when both previews carry similar noise (ordinary least squares on
 * sky-dominated pixels drags the slope toward 0); recentring adds one common offset to every
 * tile (bringing the mosaic's median back to the tiles' median level) so that it cannot undo the
 * pairwise agreement and reopen seams, and never scales the gains (the original's multiplicative
 * recentring turned sky level differences into a common gain of every star).
 */
final class PhotometricMatch {

    private static final Logger LOG = Logger.getLogger("org.tessera.reproject");

    /**
     * A tile's luminance and pixel weight on the preview lattice, over its box: its survey's cells
     * there as they are, or its block means resampled onto the lattice ({@link Tile#survey(int,
     * org.tessera.wcs.Wcs, int, int)} says which).
     */
    static final class Preview {
        final Tile tile;
        final int x0, y0, w, h;
        final float[] lum, wgt;
        /** Per-channel previews (colour tiles), or null. */
        final float[][] chan;
        /** Cells that hold the whole of their sky for the tile ({@link Tile#previewWhole}), or null for resampled previews. */
        final boolean[] whole;
        /** Variance (preview px²) the bilinear resampling added along the grid's x and y at each pixel. */
        final float[] bx, by;
        /** The luminance with its resampling blur made equal to every other preview's, or null until made. */
        float[] eq;
        int valid;
        /** Largest {@link #bx}, {@link #by} over the valid pixels (0 when none), kept by {@link #build}. */
        double maxBx, maxBy;

        Preview(Tile tile, int x0, int y0, int w, int h) {
            this.tile = tile;
            this.x0 = x0;
            this.y0 = y0;
            this.w = w;
            this.h = h;
            this.lum = new float[w * h];
            this.wgt = new float[w * h];
            this.bx = new float[w * h];
            this.by = new float[w * h];
            this.chan = tile.previewChannels == null ? null : new float[tile.previewChannels.length][w * h];
            this.whole = null;
        }

        /** The tile's survey cells on the lattice, as they are (the arrays are shared): no resampling blur. */
        Preview(Tile tile) {
            this.tile = tile;
            this.x0 = tile.px0;
            this.y0 = tile.py0;
            this.w = tile.pw;
            this.h = tile.ph;
            this.lum = tile.previewLum;
            this.wgt = tile.previewW;
            this.chan = tile.previewChannels;
            this.whole = tile.previewWhole;
            this.bx = new float[w * h];
            this.by = new float[w * h];
            for (float v : lum) if (!Float.isNaN(v)) valid++;
        }

        /**
         * Whether the gain fit may use this preview's pixel (gx, gy): for lattice cells, one that
         * holds the whole of its sky (a cell an edge of the tile's valid area cuts averages less
         * sky than the other tile's, and a star in the part it lacks counts in one tile only); for
         * resampled previews, one whose 3×3 neighbourhood is valid (a pixel on the edge of the
         * valid area is interpolated from its edge pixels alone, so a star there has another shape).
         */
        boolean usableForGain(int gx, int gy) {
            if (whole == null) {
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++)
                        if (Float.isNaN(lumAt(gx + dx, gy + dy))) return false;
                return true;
            }
            int x = gx - x0, y = gy - y0;
            return x >= 0 && y >= 0 && x < w && y < h && whole[y * w + x];
        }

        /** Plane 0 is the luminance, plane 1 + c channel c, {@link #EQUALISED} the blur-equalised luminance. */
        float valueAt(int plane, int gx, int gy) {
            if (plane == 0) return lumAt(gx, gy);
            int x = gx - x0, y = gy - y0;
            if (x < 0 || y < 0 || x >= w || y >= h) return Float.NaN;
            return plane == EQUALISED ? eq[y * w + x] : chan[plane - 1][y * w + x];
        }

        /**
         * Blurs the luminance by the 3-tap kernel [c, 1 − 2c, c] along x then y, c = (target − added)/2
         * at each pixel, so that every preview carries the same resampling blur (target variance
         * per axis): bilinear interpolation at phase f adds f(1 − f) px² of variance, 0 to 0.25,
         * and so two tiles of one star spread its light differently (peaks several percent apart,
         * a different share beyond any aperture). Neighbours that are not valid count as the pixel itself.
         */
        void equalise(double targetX, double targetY) {
            equalise(targetX, targetY, x0, y0, x0 + w, y0 + h);
        }

        /**
         * As {@link #equalise(double, double)}, made only over the preview-grid box [gx0, gx1) × [gy0, gy1)
         * (clipped to this preview), the only place it is read (the overlaps of its pairs): each
         * value there is the same as the whole preview's; outside it, NaN.
         */
        void equalise(double targetX, double targetY, int gx0, int gy0, int gx1, int gy1) {
            int ex0 = Math.max(0, gx0 - x0), ex1 = Math.min(w, gx1 - x0);
            int ey0 = Math.max(0, gy0 - y0), ey1 = Math.min(h, gy1 - y0);
            float[] tmp = new float[w * h];
            eq = new float[w * h];
            Arrays.fill(eq, Float.NaN);
            if (ex0 >= ex1 || ey0 >= ey1) return;
            // The y pass reads the x pass one row above and below the box.
            blurAlong(lum, tmp, bx, targetX, true, ex0, ex1, Math.max(0, ey0 - 1), Math.min(h, ey1 + 1));
            blurAlong(tmp, eq, by, targetY, false, ex0, ex1, ey0, ey1);
        }

        /**
         * One axis of {@link #equalise}: {@code out} is {@code in} blurred up to {@code target} along
         * x or y, over preview columns [xa, xb) and rows [ya, yb).
         */
        private void blurAlong(float[] in, float[] out, float[] added, double target, boolean alongX,
                               int xa, int xb, int ya, int yb) {
            int step = alongX ? 1 : w;
            for (int y = ya; y < yb; y++)
                for (int x = xa; x < xb; x++) {
                    int k = y * w + x;
                    boolean before = alongX ? x > 0 : y > 0, after = alongX ? x + 1 < w : y + 1 < h;
                    double c = Math.min(0.25, Math.max(0, (target - added[k]) / 2));
                    float v = in[k];
                    float a = before && !Float.isNaN(in[k - step]) ? in[k - step] : v;
                    float b = after && !Float.isNaN(in[k + step]) ? in[k + step] : v;
                    out[k] = (float) ((1 - 2 * c) * v + c * (a + b));
                }
        }

        float lumAt(int gx, int gy) {
            int x = gx - x0, y = gy - y0;
            if (x < 0 || y < 0 || x >= w || y >= h) return Float.NaN;
            return lum[y * w + x];
        }
    }

    /**
     * A kept pair and its fit: lum_j ≈ a·lum_i + b over n samples; sigmaA the standard error of a
     * (NaN where the overlap measures no gain).
     */
    record Pair(int i, int j, int overlap, double a, double b, int n, double sigmaA) {}

    /** Significance, in σ, that a tile's gain must reach to differ from 1 ({@link GainSolve}). */
    static final double GAIN_SIGNIFICANCE = 3;

    /**
     * Error of a pair's gain ratio that no statistic of one overlap shows (flat-field and
     * vignetting residues, colour terms of the luminance), added in quadrature: 0.5%.
     */
    static final double GAIN_SIGMA_FLOOR = 0.005;

    /** Plane code of {@link Preview#valueAt} for the blur-equalised luminance. */
    static final int EQUALISED = -1;

    private final CoaddParams.MatchParams mp;
    private final List<Preview> previews;
    /**
     * Per preview, whether a pair ratio from a coarse preview (factor &gt; 1, not replaced by the
     * overlap's stars) entered its gain: {@link #solveAffine}; null before.
     */
    private boolean[] coarse;
    private final int factor;
    /** The final grid's first pixel on the grid whose preview lattice this is (the crop's offset). */
    private final int ox, oy;
    /** The lattice's cells over the final grid: [lx0, lx0 + lw) × [ly0, ly0 + lh). */
    private final int lx0, ly0, lw, lh;
    /** Centre of the final grid, and the half-size that scales slopes in the solve. */
    private final double cx, cy, half;
    /** The final grid's size (pixels). */
    private final int gridWidth, gridHeight;
    /** Per pair {i, j} (key i·n + j), its ratio from full-resolution stars {@link StarRatio#measure}, where measured. */
    private final java.util.Map<Long, double[]> starRatios = new java.util.HashMap<>();
    private final List<Pair> pairs = new ArrayList<>();
    /** Every tile the match is for, those without a preview too ({@link #referenceExposure}). */
    private final List<Tile> tiles;
    /** Per preview, the gain that puts its tile on the common exposure ({@link #exposurePriors}). */
    private double[] prior;
    /** The exposure the gains put every tile on, E_ref; NaN until {@link #solveAffine} applied a prior. */
    private double exposure = Double.NaN;

    private PhotometricMatch(CoaddParams.MatchParams mp, List<Tile> tiles, List<Preview> previews, int factor, int ox,
                             int oy, WcsGrid finalGrid) {
        this.mp = mp;
        this.tiles = List.copyOf(tiles);
        this.previews = previews;
        this.factor = factor;
        this.ox = ox;
        this.oy = oy;
        int[] l = latticeCells(factor, ox, oy, finalGrid);
        this.lx0 = l[0];
        this.ly0 = l[1];
        this.lw = l[2] - l[0];
        this.lh = l[3] - l[1];
        this.cx = (finalGrid.width() - 1) / 2.0;
        this.cy = (finalGrid.height() - 1) / 2.0;
        this.half = Math.max(1, Math.max(finalGrid.width(), finalGrid.height()) / 2.0);
        this.gridWidth = finalGrid.width();
        this.gridHeight = finalGrid.height();
    }

    /** The lattice's cells over the final grid (its crop from (ox, oy)): {x0, y0, x1, y1}, ends exclusive. */
    private static int[] latticeCells(int factor, int ox, int oy, WcsGrid finalGrid) {
        return new int[] {Math.floorDiv(ox, factor), Math.floorDiv(oy, factor),
                Math.floorDiv(ox + finalGrid.width() - 1, factor) + 1, Math.floorDiv(oy + finalGrid.height() - 1, factor) + 1};
    }

    /**
     * The tiles' previews on the preview lattice of the grid their survey used (cells of
     * {@code factor} × {@code factor} of its pixels from its origin), of which {@code finalGrid}
     * is the crop from pixel ({@code ox}, {@code oy}): lattice previews as they are, block means
     * ({@link Tile#previewWcs}) resampled onto the lattice.
     */
    static PhotometricMatch build(List<Tile> tiles, WcsGrid finalGrid, int factor, int ox, int oy,
                                  CoaddParams.MatchParams mp) {
        int[] l = latticeCells(factor, ox, oy, finalGrid);
        int lx0 = l[0], ly0 = l[1], lx1 = l[2], ly1 = l[3];
        ScaledWcs gridWcs = ScaledWcs.blocks(finalGrid.wcs(), factor, -ox, -oy);
        List<Preview> out = new ArrayList<>();
        for (Tile t : tiles) {
            if (t.previewLum == null) continue;
            if (t.previewWcs == null) {
                Preview p = new Preview(t);
                if (p.valid > 0) out.add(p);
                continue;
            }
            int x0 = Math.max(lx0, Math.floorDiv(t.bx0 + ox, factor) - 1), y0 = Math.max(ly0, Math.floorDiv(t.by0 + oy, factor) - 1);
            int x1 = Math.min(lx1, Math.floorDiv(t.bx1 - 1 + ox, factor) + 2), y1 = Math.min(ly1, Math.floorDiv(t.by1 - 1 + oy, factor) + 2);
            if (x0 >= x1 || y0 >= y1) continue;
            Preview p = new Preview(t, x0, y0, x1 - x0, y1 - y0);
            WcsMapping m = new WcsMapping(gridWcs, t.previewWcs);
            WcsMapping.Region region = m.region(x0, y0, x1, y1);
            float[][] planes = new float[1 + (p.chan == null ? 0 : p.chan.length)][];
            planes[0] = t.previewLum;
            for (int c = 1; c < planes.length; c++) planes[c] = t.previewChannels[c - 1];
            SourceStrip strip = SourceStrip.contiguous(t.pw, 0, t.ph, planes, t.previewW,
                    new int[] {0, t.pw, 0, t.ph});
            int n = p.w;
            double[] sx = new double[n], sy = new double[n];
            float[] a = new float[n];
            float[][] v = new float[planes.length][n];
            double[] ji = inverseJacobian(region, x0, y0, x1, y1);
            for (int y = y0; y < y1; y++) {
                region.mapRow(y, x0, x1, sx, sy);
                KernelSampler.sampleRow(Kernel.BILINEAR, strip, sx, sy, n, a, v);
                for (int i = 0; i < n; i++) {
                    int k = (y - y0) * p.w + i;
                    boolean ok = a[i] > 0 && Float.isFinite(v[0][i]);
                    p.lum[k] = ok ? v[0][i] : Float.NaN;
                    for (int c = 1; c < planes.length; c++) p.chan[c - 1][k] = ok ? v[c][i] : Float.NaN;
                    p.wgt[k] = ok ? a[i] : 0f;
                    if (ok) p.valid++;
                    double fx = sx[i] - Math.floor(sx[i]), fy = sy[i] - Math.floor(sy[i]);
                    double vx = fx * (1 - fx), vy = fy * (1 - fy);
                    // The source axes seen on the grid (rotation, scale): J⁻¹ of the local mapping.
                    p.bx[k] = (float) (ji[0] * ji[0] * vx + ji[1] * ji[1] * vy);
                    p.by[k] = (float) (ji[2] * ji[2] * vx + ji[3] * ji[3] * vy);
                    if (ok) {
                        p.maxBx = Math.max(p.maxBx, p.bx[k]);
                        p.maxBy = Math.max(p.maxBy, p.by[k]);
                    }
                }
            }
            if (p.valid > 0) out.add(p);
        }
        return new PhotometricMatch(mp, tiles, out, factor, ox, oy, finalGrid);
    }

    /**
     * {a, b, c, d} of J⁻¹ = [[a, b], [c, d]], J = ∂(source px)/∂(grid px) at the centre of a
     * region: a step of one source pixel along the source's x is (a, c) on the grid, along its y (b, d).
     */
    private static double[] inverseJacobian(WcsMapping.Region region, int x0, int y0, int x1, int y1) {
        if (x1 - x0 < 2 || y1 - y0 < 2) return new double[] {1, 0, 0, 1};
        int xc = (x0 + x1) / 2 - 1, yc = (y0 + y1) / 2 - 1;
        double[] ax = new double[2], ay = new double[2], bx = new double[2], by = new double[2];
        region.mapRow(yc, xc, xc + 2, ax, ay);
        region.mapRow(yc + 1, xc, xc + 2, bx, by);
        double j00 = ax[1] - ax[0], j10 = ay[1] - ay[0], j01 = bx[0] - ax[0], j11 = by[0] - ay[0];
        double det = j00 * j11 - j01 * j10;
        if (!(Math.abs(det) > 1e-12)) return new double[] {1, 0, 0, 1};
        return new double[] {j11 / det, -j01 / det, -j10 / det, j00 / det};
    }

    List<Preview> previews() { return previews; }
    List<Pair> pairs() { return pairs; }

    // ---------------------------------------------------------------- pairs

    /** Finds overlapping pairs, prunes them to the K strongest per tile plus bridges (thinner overlaps where no other links). */
    void findPairs() {
        int n = previews.size();
        List<int[]> cand = new ArrayList<>(); // {i, j, overlap}
        List<int[]> thin = new ArrayList<>(); // under minOverlap: only between groups the others leave apart
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) {
                int ov = overlap(previews.get(i), previews.get(j));
                int smaller = Math.min(previews.get(i).valid, previews.get(j).valid);
                if (ov < 16) continue;
                (ov >= mp.minOverlap() * smaller ? cand : thin).add(new int[] {i, j, ov});
            }
        Comparator<int[]> strongestFirst = Comparator.comparingInt((int[] c) -> -c[2]).thenComparingInt(c -> c[0])
                .thenComparingInt(c -> c[1]);
        cand.sort(strongestFirst);
        thin.sort(strongestFirst);
        int[] degree = new int[n];
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) parent[i] = i;
        add(cand, select(cand, degree, parent));
        // Tiles that only thinner overlaps link: a mosaic planned with 10 % overlap keeps ~4 % of
        // each tile after the 3 % crop per side, and its tiles went unmatched, each group anchored
        // on its own (a visible step at every seam). A thin overlap still holds thousands of
        // pixels, and a pair's error weights it in the solve, so the thin overlaps between groups
        // that no overlap of minOverlap joins are chosen by the same rule (all of them up to K per
        // tile: a grid's loops check one pair against the others, where a chain would pass each
        // pair's error on); where the larger overlaps join every tile, nothing changes.
        int[] group = new int[n];
        for (int i = 0; i < n; i++) group[i] = find(parent, i);
        List<int[]> across = new ArrayList<>();
        for (int[] c : thin) if (group[c[0]] != group[c[1]]) across.add(c);
        int before = pairs.size();
        add(across, select(across, degree, parent));
        if (pairs.size() > before)
            LOG.info(String.format(Locale.ROOT,
                    "[P5] intertile: %d pair(s) overlapping less than intertile_overlap_min (%.0f%% of the smaller tile) kept: they link tiles no larger overlap links",
                    pairs.size() - before, 100 * mp.minOverlap()));
    }

    /**
     * The overlaps kept among {@code edges} (strongest first): those that give one of their tiles
     * one of its K strongest neighbours, plus the bridges of a maximum spanning forest (Kruskal,
     * strongest first) so the graph stays connected. {@code degree} and {@code parent} (the
     * forest's union-find) carry over from one call to the next.
     */
    private boolean[] select(List<int[]> edges, int[] degree, int[] parent) {
        boolean[] keep = new boolean[edges.size()];
        for (int k = 0; k < edges.size(); k++) {
            int[] c = edges.get(k);
            if (degree[c[0]] < mp.pruneK() || degree[c[1]] < mp.pruneK()) {
                keep[k] = true;
                degree[c[0]]++;
                degree[c[1]]++;
            }
        }
        for (int k = 0; k < edges.size(); k++) {
            int[] c = edges.get(k);
            int a = find(parent, c[0]), b = find(parent, c[1]);
            if (a != b) {
                parent[a] = b;
                keep[k] = true;
            }
        }
        return keep;
    }

    private void add(List<int[]> edges, boolean[] keep) {
        for (int k = 0; k < edges.size(); k++) {
            if (!keep[k]) continue;
            int[] c = edges.get(k);
            pairs.add(new Pair(c[0], c[1], c[2], Double.NaN, Double.NaN, 0, Double.NaN));
        }
    }

    private static int find(int[] p, int i) {
        while (p[i] != i) {
            p[i] = p[p[i]];
            i = p[i];
        }
        return i;
    }

    private static int overlap(Preview a, Preview b) {
        int x0 = Math.max(a.x0, b.x0), x1 = Math.min(a.x0 + a.w, b.x0 + b.w);
        int y0 = Math.max(a.y0, b.y0), y1 = Math.min(a.y0 + a.h, b.y0 + b.h);
        int n = 0;
        for (int y = y0; y < y1; y++)
            for (int x = x0; x < x1; x++)
                if (!Float.isNaN(a.lumAt(x, y)) && !Float.isNaN(b.lumAt(x, y))) n++;
        return n;
    }

    /** Common valid samples of two previews, corrected by (g, o) each: {x[], y[]}. */
    private static double[][] samples(Preview a, Preview b, double ga, double oa, double gb, double ob) {
        return samples(a, b, 0, ga, oa, gb, ob);
    }

    /**
     * Common valid samples of one plane (0 luminance, 1 + c channel c), each corrected by g·v + o:
     * {a's values, b's values, preview x, preview y}.
     */
    private static double[][] samples(Preview a, Preview b, int plane, double ga, double oa, double gb, double ob) {
        return samples(a, b, plane, ga, oa, gb, ob, false);
    }

    /**
     * As above; {@code interior}: only samples both previews hold fit for the gain
     * ({@link Preview#usableForGain}): the rim of each tile's valid area is left out.
     */
    private static double[][] samples(Preview a, Preview b, int plane, double ga, double oa, double gb, double ob,
                                      boolean interior) {
        int x0 = Math.max(a.x0, b.x0), x1 = Math.min(a.x0 + a.w, b.x0 + b.w);
        int y0 = Math.max(a.y0, b.y0), y1 = Math.min(a.y0 + a.h, b.y0 + b.h);
        int cap = Math.max(0, (x1 - x0) * (y1 - y0));
        double[] xs = new double[cap], ys = new double[cap], px = new double[cap], py = new double[cap];
        int n = 0;
        for (int y = y0; y < y1; y++)
            for (int x = x0; x < x1; x++) {
                float va = a.valueAt(plane, x, y), vb = b.valueAt(plane, x, y);
                if (Float.isNaN(va) || Float.isNaN(vb)) continue;
                if (interior && !(a.usableForGain(x, y) && b.usableForGain(x, y))) continue;
                xs[n] = ga * va + oa;
                ys[n] = gb * vb + ob;
                px[n] = x;
                py[n] = y;
                n++;
            }
        return new double[][] {Arrays.copyOf(xs, n), Arrays.copyOf(ys, n), Arrays.copyOf(px, n), Arrays.copyOf(py, n)};
    }

    // ---------------------------------------------------------------- gain / offset

    private long key(int i, int j) {
        return (long) i * previews.size() + j;
    }

    /**
     * The final-grid rectangles {x0, y0, x1, y1} of two previews' overlap, one per preview row
     * that holds a cell valid in both (from its first to its last such cell), in increasing y.
     */
    private List<int[]> overlapSpans(Preview a, Preview b) {
        int x0 = Math.max(a.x0, b.x0), x1 = Math.min(a.x0 + a.w, b.x0 + b.w);
        int y0 = Math.max(a.y0, b.y0), y1 = Math.min(a.y0 + a.h, b.y0 + b.h);
        List<int[]> out = new ArrayList<>();
        for (int y = y0; y < y1; y++) {
            int lo = Integer.MAX_VALUE, hi = Integer.MIN_VALUE;
            for (int x = x0; x < x1; x++)
                if (!Float.isNaN(a.lumAt(x, y)) && !Float.isNaN(b.lumAt(x, y))) {
                    lo = Math.min(lo, x);
                    hi = x;
                }
            if (lo > hi) continue;
            // Cell (x, y) covers final-grid pixels [x·f − ox, (x + 1)·f − ox) × [y·f − oy, (y + 1)·f − oy).
            int gx0 = Math.max(0, lo * factor - ox), gx1 = Math.min(gridWidth, (hi + 1) * factor - ox);
            int gy0 = Math.max(0, y * factor - oy), gy1 = Math.min(gridHeight, (y + 1) * factor - oy);
            if (gx0 < gx1 && gy0 < gy1) out.add(new int[] {gx0, gy0, gx1, gy1});
        }
        return out;
    }

    /**
     * Measures each kept pair's ratio on its overlap's stars at full resolution
     * ({@link StarRatio}), for {@link #solveAffine} to use where it is more precise than the
     * previews' ratio: only where the previews are coarser than the grid (factor &gt; 1: at
     * factor 1 the previews are the tiles' pixels on the grid already, and {@link FluxRatio}
     * measures their stars). Each tile must be placed on the final grid ({@link Tile#mapping},
     * its box). Pairs run on {@code pool} (one pair, one thread: the result does not depend on
     * how many).
     */
    void measureStars(java.util.concurrent.ExecutorService pool) throws java.io.IOException {
        LOG.fine(String.format(Locale.ROOT, "[P5] star ratios: preview factor %d, %d pairs", factor, pairs.size()));
        if (factor <= 1 || pairs.isEmpty()) return;
        double[][] r = new double[pairs.size()][];
        ReprojectCoadd.Tasks fs = new ReprojectCoadd.Tasks(pool);
        for (int k = 0; k < pairs.size(); k++) {
            Preview pa = previews.get(pairs.get(k).i()), pb = previews.get(pairs.get(k).j());
            List<int[]> spans = overlapSpans(pa, pb);
            int at = k;
            fs.submit(() -> r[at] = StarRatio.measure(pa.tile, pb.tile, spans));
        }
        fs.await(); // a tile's read failure names it, as the survey's; the other pairs cancelled
        for (int k = 0; k < pairs.size(); k++) {
            Pair p = pairs.get(k);
            if (r[k] != null) starRatios.put(key(p.i(), p.j()), r[k]);
            else LOG.fine(String.format(Locale.ROOT, "[P5] %s-%s: fewer than %d stars measurable at full resolution",
                    previews.get(p.i()).tile.name(), previews.get(p.j()).tile.name(), StarRatio.MIN_STARS));
        }
    }

    /**
     * Fits every kept pair and solves gains and offsets; returns {gains, offsets} per preview.
     * With {@code planarBackground} the pair fit first removes from both previews their planar
     * trend over the overlap, so that a gradient difference between the tiles (which the planar
     * background match removes afterwards) cannot pose as a gain: the slope is then measured on
     * the overlap's structure (stars, nebulae), and left neutral where there is none.
     */
    double[][] solveAffine(boolean planarBackground) {
        int n = previews.size();
        List<Pair> fitted = new ArrayList<>();
        int starUsed = 0;
        coarse = new boolean[n];
        if (planarBackground) equaliseBlur();
        for (Pair p : pairs) {
            double[][] s;
            double[] fit;
            int used;
            if (planarBackground) {
                double[][] in = samples(previews.get(p.i()), previews.get(p.j()), 0, 1, 0, 1, 0, true);
                boolean interior = in[0].length >= 64;
                // All common samples only where the interior ones are too few.
                s = interior ? in : samples(previews.get(p.i()), previews.get(p.j()), 1, 0, 1, 0);
                // The same samples of the blur-equalised previews, for the flux ratio.
                double[][] e = samples(previews.get(p.i()), previews.get(p.j()), EQUALISED, 1, 0, 1, 0, interior);
                fit = detrendedLine(s[0], s[1], e[0], e[1], s[2], s[3]);
                used = s[0].length;
            } else {
                s = samples(previews.get(p.i()), previews.get(p.j()), 1, 0, 1, 0);
                s = select(s, skyBand(s[0], s[1]));
                fit = robustLine(s[0], s[1], mp.clipSigma());
                used = s[0].length;
            }
            if (fit == null) continue;
            double[] st = starRatios.get(key(p.i(), p.j()));
            if (st != null)
                LOG.fine(String.format(Locale.ROOT, "[P5] %s-%s: previews %.4f +- %.4f, stars at full resolution %.4f +- %.4f (%d stars, aperture %.1f px)",
                        previews.get(p.i()).tile.name(), previews.get(p.j()).tile.name(), fit[0], fit[3], st[0], st[1], (int) st[2], st[3]));
            // The stars at full resolution where they pin the ratio better than the previews do
            // (they measure the same stars: one of the two, not both). The offset follows the ratio.
            if (st != null && !(fit[3] <= st[1])) {
                fit[0] = st[0];
                fit[3] = st[1];
                double[] d = new double[s[0].length];
                for (int k = 0; k < d.length; k++) d[k] = s[1][k] - st[0] * s[0][k];
                fit[1] = Percentiles.median(d);
                starUsed++;
            } else if (factor > 1) { // the ratio and offset of a coarse preview: blended (recentreBlendClamp)
                coarse[p.i()] = true;
                coarse[p.j()] = true;
            }
            fitted.add(new Pair(p.i(), p.j(), p.overlap(), fit[0], fit[1], used, fit[3]));
        }
        pairs.clear();
        pairs.addAll(fitted);
        if (!starRatios.isEmpty())
            LOG.info(String.format(Locale.ROOT, "[P5] star ratios: %d of %d pairs measured on full-resolution stars, %d used "
                    + "(more precise than the previews')", starRatios.size(), fitted.size(), starUsed));
        int[] anchor = anchors(n, pairs);
        // Gains: g_i = a·g_j (tile j, scaled by g_j, matches tile i scaled by g_i), in log space.
        // Tiles of other exposures are first put on one (g = prior · r): the solve, its "equal
        // gains unless proven", the blend toward neutral and the clamp then act on r, what the
        // exposures do not explain, instead of clamping a 2× exposure step to 1.67×.
        prior = exposurePriors();
        List<GainSolve.Ratio> ratios = new ArrayList<>();
        for (Pair p : pairs)
            if (p.a() > 0) ratios.add(new GainSolve.Ratio(p.i(), p.j(),
                    Math.log(p.a()) - Math.log(prior[p.i()]) + Math.log(prior[p.j()]),
                    Math.hypot(p.sigmaA() / p.a(), GAIN_SIGMA_FLOOR)));
        GainSolve.Result gs = GainSolve.solve(n, ratios, GAIN_SIGNIFICANCE);
        double[] g = gs.gains();
        for (int i = 0; i < n; i++) g[i] *= prior[i];
        LOG.info(String.format(Locale.ROOT, "[P5] gains: %d of %d pairs measure a gain; %d of %d groups differ "
                + "significantly from equal gains (%d tiles), pair errors widened by up to %.2fx",
                ratios.size(), pairs.size(), gs.significantGroups(), gs.groups(), gs.keptTiles(), gs.birge()));
        // Offsets: o_i − o_j = b·g_j.
        SparseLeastSquares ol = new SparseLeastSquares(n);
        for (Pair p : pairs) ol.add(p.i(), 1, p.j(), -1, p.b() * g[p.j()], p.n());
        for (int a : anchor) ol.fix(a, 0);
        double[] o = ol.solve(0);
        for (int i = 0; i < n; i++) if (!Double.isFinite(o[i])) o[i] = 0;
        LOG.info(String.format(Locale.ROOT, "[P5] intertile: %d previews, %d pairs fitted, anchors %s", n, pairs.size(),
                Arrays.toString(Arrays.stream(anchor).mapToObj(a -> previews.get(a).tile.name()).toArray())));
        recentreBlendClamp(g, o);
        return new double[][] {g, o};
    }

    /**
     * The gain that puts each preview's tile on one exposure, E_ref / E_i ({@link #referenceExposure});
     * all 1 where there is none (an image of unknown unit is never rescaled by a guess). Once this
     * has run, {@link #exposure} says E_ref.
     */
    double[] exposurePriors() {
        int n = previews.size();
        double[] s = new double[n];
        Arrays.fill(s, 1);
        double ref = referenceExposure(tiles);
        if (Double.isNaN(ref)) return s;
        exposure = ref;
        for (int i = 0; i < n; i++) s[i] = ref / previews.get(i).tile.input.exposure();
        LOG.info(String.format(Locale.ROOT, "[P5] exposures %s s: tiles put on %s s before matching (gains %s)",
                new java.util.TreeSet<>(tiles.stream().map(t -> t.input.exposure()).toList()), ref,
                Arrays.toString(Arrays.stream(s).mapToObj(v -> String.format(Locale.ROOT, "%.3f", v)).toArray())));
        return s;
    }

    /**
     * The exposure to put {@code tiles} on, E_ref, where every tile gives its exposure
     * ({@link CoaddInput#exposure}: the unit of a Tessera stack's mean) and they differ; NaN
     * otherwise. E_ref is the exposure most of the tiles' frames have (the longer on a tie), so the
     * mosaic stays in counts per one of its exposures and a run of one exposure is unchanged.
     */
    static double referenceExposure(List<Tile> tiles) {
        double[] e = new double[tiles.size()], n = new double[tiles.size()];
        for (int i = 0; i < e.length; i++) {
            e[i] = tiles.get(i).input.exposure();
            n[i] = tiles.get(i).input.nFrames();
        }
        return CoaddInput.referenceExposure(e, n);
    }

    /**
     * The exposure (s) the solved gains put every tile's pixels in (E_ref, {@link #exposurePriors}),
     * NaN when no exposure prior was applied: the unit of the coadd ({@link CoaddPlan#exposure}).
     */
    double exposure() {
        return exposure;
    }

    /** One anchor per connected group of the pair graph: its best-connected tile. */
    private static int[] anchors(int n, List<Pair> edges) {
        int[] parent = new int[n];
        double[] conn = new double[n];
        for (int i = 0; i < n; i++) parent[i] = i;
        for (Pair p : edges) {
            conn[p.i()] += p.n();
            conn[p.j()] += p.n();
            int a = find(parent, p.i()), b = find(parent, p.j());
            if (a != b) parent[a] = b;
        }
        int[] best = new int[n];
        Arrays.fill(best, -1);
        for (int i = 0; i < n; i++) {
            int r = find(parent, i);
            if (best[r] < 0 || conn[i] > conn[best[r]]) best[r] = i;
        }
        return Arrays.stream(best).filter(b -> b >= 0).toArray();
    }

    private void recentreBlendClamp(double[] g, double[] o) {
        int n = g.length;
        if (mp.recenter()) {
            double[] before = new double[n], after = new double[n];
            for (int i = 0; i < n; i++) {
                before[i] = Percentiles.median(previews.get(i).lum);
                after[i] = g[i] * before[i] + o[i];
            }
            // The gains are already anchored on the median tile (GainSolve): a common factor here
            // would turn a sky level difference into a gain of every star, so the recentring moves
            // the offsets only, by one common amount.
            double mb = Percentiles.median(before), ma = Percentiles.median(after);
            if (Double.isFinite(mb) && Double.isFinite(ma))
                for (int i = 0; i < n; i++) o[i] += mb - ma;
        }
        if (mp.blendCoarseOnly() && coarse != null) {
            int k = 0;
            for (boolean c : coarse) if (c) k++;
            LOG.info(String.format(Locale.ROOT, "[P5] blend toward neutral by %.2f: %d of %d tiles (gains from coarse previews' "
                    + "ratios); the others' gains kept whole (measured at full resolution)", mp.blendToNeutral(), k, n));
        }
        for (int i = 0; i < n; i++) {
            double keep = keep(coarse == null || coarse[i]);
            // Neutral is the exposure prior (1 unless the tiles' exposures differ).
            double pr = prior == null ? 1 : prior[i];
            g[i] = pr * blendClamp(g[i] / pr, keep);
            o[i] = keep * o[i];
            o[i] = Math.max(-mp.offsetMax(), Math.min(mp.offsetMax(), o[i]));
        }
    }

    /**
     * The share of a solved correction kept, 1 − blendToNeutral: the original blends every gain
     * toward neutral because its gains come from coarse previews. Tessera, by default
     * ({@code blendCoarseOnly}), blends only the corrections a coarse preview's ratio entered:
     * a ratio measured at full resolution (the overlap's stars, or previews at factor 1) whose
     * gain the solve proved (3σ, {@link GainSolve}) is applied in full.
     */
    private double keep(boolean fromCoarsePreview) {
        return mp.blendCoarseOnly() && !fromCoarsePreview ? 1 : 1 - mp.blendToNeutral();
    }

    /** A solved gain r (neutral 1) blended toward 1 (keeping {@code keep} of it) and clamped: 1 stays exactly 1. */
    private double blendClamp(double r, double keep) {
        r = 1 + keep * (r - 1);
        return Math.max(mp.gainMin(), Math.min(mp.gainMax(), r));
    }

    /**
     * Colour factors of colour tiles: per preview and channel, the channel's gain over the
     * luminance gain of {@link #solveAffine} (the coadd multiplies channel c by gain × factor[c]).
     * Tiles of sessions apart can differ in colour response (NGC 7023's 2024 and 2025 Seestar
     * frames: the stars' ratio R 2.70, G 2.13, B 3.41 against 2.44 in luminance), which one gain
     * leaves as a colour seam. Solved per channel as the luminance gains are ({@link GainSolve}:
     * log space over the pair graph, anchored on the median tile, weights 1/σ², kept at exactly 1
     * unless significant; then the blend toward neutral and the clamp), from each pair's channel
     * ratio over its luminance ratio at the same stars ({@link StarRatio}; its error that of the
     * stars' quotients, whose shared noise cancels, and the floor). Only pairs whose
     * full-resolution star ratios were measured take part ({@link #measureStars}); every other
     * factor is 1. Run after {@link #solveAffine}.
     *
     * @return [preview][channel]; all 1 for mono tiles
     */
    double[][] solveColour() {
        int n = previews.size(), nc = channels();
        double[][] f = new double[n][Math.max(1, nc)];
        for (double[] r : f) Arrays.fill(r, 1);
        if (nc != 3) return f;
        for (Pair p : pairs) {
            double[] st = starRatios.get(key(p.i(), p.j()));
            if (st != null && st.length >= 4 + 4 * nc)
                LOG.fine(String.format(Locale.ROOT, "[P5] %s-%s: channel ratios at full resolution %.4f +- %.4f, %.4f +- %.4f, "
                        + "%.4f +- %.4f (luminance %.4f +- %.4f); over the luminance ratio %.4f +- %.4f, %.4f +- %.4f, %.4f +- %.4f",
                        previews.get(p.i()).tile.name(), previews.get(p.j()).tile.name(),
                        st[4], st[5], st[6], st[7], st[8], st[9], st[0], st[1], st[10], st[11], st[12], st[13], st[14], st[15]));
        }
        int used = 0;
        for (int c = 0; c < nc; c++) {
            List<GainSolve.Ratio> ratios = new ArrayList<>();
            for (Pair p : pairs) {
                double[] st = starRatios.get(key(p.i(), p.j()));
                if (st == null || st.length < 4 + 4 * nc || !(st[10 + 2 * c] > 0)) continue;
                double k = st[10 + 2 * c];
                ratios.add(new GainSolve.Ratio(p.i(), p.j(), Math.log(k), Math.hypot(st[11 + 2 * c] / k, GAIN_SIGMA_FLOOR)));
            }
            used = Math.max(used, ratios.size());
            if (ratios.isEmpty()) continue;
            double[] g = GainSolve.solve(n, ratios, GAIN_SIGNIFICANCE).gains();
            // Every factor comes from full-resolution star ratios.
            for (int i = 0; i < n; i++) f[i][c] = blendClamp(g[i], keep(false));
        }
        int differ = 0;
        for (int i = 0; i < n; i++) {
            if (f[i][0] != 1 || f[i][1] != 1 || f[i][2] != 1) differ++;
            LOG.fine(String.format(Locale.ROOT, "[P5] %s: colour factors %.4f %.4f %.4f", previews.get(i).tile.name(),
                    f[i][0], f[i][1], f[i][2]));
        }
        LOG.info(String.format(Locale.ROOT, "[P5] colour: %d of %d tiles' channel gains differ significantly "
                + "(%d pairs with channel ratios from full-resolution stars)", differ, n, used));
        return f;
    }

    /** Indices of the samples whose mean of both lies in the sky percentile band (all if too few). */
    private double[] skyBand(double[] x, double[] y) {
        int n = x.length;
        double[] proxy = new double[n];
        for (int k = 0; k < n; k++) proxy[k] = 0.5 * (x[k] + y[k]);
        double lo = Percentiles.percentile(proxy, mp.skyLow()), hi = Percentiles.percentile(proxy, mp.skyHigh());
        double[] sel = new double[n];
        int m = 0;
        for (int k = 0; k < n; k++) if (proxy[k] >= lo && proxy[k] <= hi) sel[m++] = k;
        if (m < 32) {
            for (int k = 0; k < n; k++) sel[k] = k;
            m = n;
        }
        return Arrays.copyOf(sel, m);
    }

    private static double[][] select(double[][] s, double[] idx) {
        double[] x = new double[idx.length], y = new double[idx.length];
        for (int k = 0; k < idx.length; k++) {
            x[k] = s[0][(int) idx[k]];
            y[k] = s[1][(int) idx[k]];
        }
        return new double[][] {x, y};
    }

    /**
     * y ≈ a·x + b + (a plane in the preview position px, py): both x and y lose their least
     * squares plane over the samples, a is the ratio of the sources' light in what is left
     * ({@link FluxRatio}; 1 where the overlap holds no measurable source: nothing tells a gain
     * from a gradient there, and the planar background match takes the whole difference),
     * b = median(y − a·x).
     *
     * @return {a, b, sources measured, standard error of a (NaN where a = 1 was not measured)}
     */
    static double[] detrendedLine(double[] x, double[] y, double[] px, double[] py) {
        return detrendedLine(x, y, x, y, px, py);
    }

    /** Every preview's resampling blur made the same: the largest any could carry along each grid axis. */
    private void equaliseBlur() {
        // The target: the most blur any valid pixel carries (each preview's maximum kept by build).
        double tx = 0, ty = 0;
        for (Preview p : previews) {
            tx = Math.max(tx, p.maxBx);
            ty = Math.max(ty, p.maxBy);
        }
        // Only the overlaps of the kept pairs are read (samples(EQUALISED)): each preview is
        // equalised over the box that holds its overlaps, the same values as over all of it.
        int n = previews.size();
        int[][] box = new int[n][];
        for (Pair q : pairs) {
            Preview a = previews.get(q.i()), b = previews.get(q.j());
            int[] ov = {Math.max(a.x0, b.x0), Math.max(a.y0, b.y0), Math.min(a.x0 + a.w, b.x0 + b.w),
                    Math.min(a.y0 + a.h, b.y0 + b.h)};
            for (int i : new int[] {q.i(), q.j()})
                box[i] = box[i] == null ? ov.clone() : new int[] {Math.min(box[i][0], ov[0]), Math.min(box[i][1], ov[1]),
                        Math.max(box[i][2], ov[2]), Math.max(box[i][3], ov[3])};
        }
        for (int i = 0; i < n; i++) {
            Preview p = previews.get(i);
            if (box[i] == null) p.equalise(tx, ty, 0, 0, 0, 0);
            else p.equalise(tx, ty, box[i][0], box[i][1], box[i][2], box[i][3]);
        }
    }

    /**
     * As above with the ratio measured on {@code xe, ye}: the same samples with their resampling
     * blur equalised ({@link Preview#equalise}); the offset b on x, y themselves.
     */
    static double[] detrendedLine(double[] x, double[] y, double[] xe, double[] ye, double[] px, double[] py) {
        int n = x.length;
        if (n < 16) return null;
        double[] xr = PlaneFit.detrend(xe, px, py), yr = PlaneFit.detrend(ye, px, py);
        if (xr == null || yr == null) return null;
        double[] fr = FluxRatio.of(xr, yr, px, py, SAMPLES_PER_INDEPENDENT);
        boolean measured = fr != null;
        double a = measured ? fr[0] : 1;
        double sigma = measured ? fr[1] : Double.NaN;
        double[] d = new double[n];
        for (int k = 0; k < n; k++) d[k] = y[k] - a * x[k];
        return new double[] {a, Percentiles.median(d), measured ? fr[2] : 0, sigma};
    }

    /**
     * y ≈ a·x + b by orthogonal least squares with iterative clipping at clip·σ (σ from the MAD
     * of the orthogonal residuals). Falls back to a = σy/σx, b = med y − a·med x when the
     * relation is weak (|corr| &lt; 0.3) or the slope is not positive. Null below 16 samples.
     *
     * @return {a, b, |corr|, standard error of a (NaN for the fallback, which measures no gain)}
     */
    static double[] robustLine(double[] x, double[] y, double clip) {
        int n = x.length;
        if (n < 16) return null;
        boolean[] use = new boolean[n];
        Arrays.fill(use, true);
        double a = 1, b = 0, corr = 0, sxr = 0, syr = 0;
        for (int iter = 0; iter < 10; iter++) {
            double mx = 0, my = 0;
            int m = 0;
            for (int k = 0; k < n; k++) if (use[k]) { mx += x[k]; my += y[k]; m++; }
            if (m < 16) break;
            mx /= m;
            my /= m;
            double sxx = 0, syy = 0, sxy = 0;
            for (int k = 0; k < n; k++) {
                if (!use[k]) continue;
                double dx = x[k] - mx, dy = y[k] - my;
                sxx += dx * dx;
                syy += dy * dy;
                sxy += dx * dy;
            }
            sxr = sxx;
            syr = syy;
            corr = sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
            if (sxy == 0) break;
            double d = syy - sxx;
            a = (d + Math.sqrt(d * d + 4 * sxy * sxy)) / (2 * sxy);
            b = my - a * mx;
            double norm = Math.sqrt(1 + a * a);
            double[] res = new double[m];
            int q = 0;
            for (int k = 0; k < n; k++) if (use[k]) res[q++] = Math.abs(y[k] - a * x[k] - b) / norm;
            double sigma = 1.4826 * Percentiles.median(res);
            if (!(sigma > 0)) break;
            boolean changed = false;
            for (int k = 0; k < n; k++) {
                boolean u = Math.abs(y[k] - a * x[k] - b) / norm <= clip * sigma;
                if (u != use[k]) { use[k] = u; changed = true; }
            }
            if (!changed) break;
        }
        if (!(a > 0) || !Double.isFinite(a) || !Double.isFinite(b) || Math.abs(corr) < 0.3) {
            double sx = Math.sqrt(sxr), sy = Math.sqrt(syr);
            a = sx > 1e-6 ? sy / sx : 1;
            if (!(a > 0) || !Double.isFinite(a)) a = 1;
            b = Percentiles.median(y) - a * Percentiles.median(x);
            corr = 0; // the fit was not usable: reported as no correlation
            return new double[] {a, b, 0, Double.NaN};
        }
        return new double[] {a, b, Math.abs(corr), slopeSigma(x, y, use, a, b)};
    }

    /**
     * Preview samples are not independent: each is a bilinear blend of block means, so its
     * neighbours share its noise. The slope's standard error counts this many samples as one.
     */
    static final double SAMPLES_PER_INDEPENDENT = 4;

    /**
     * Standard error of the slope a of the line y = a·x + b over the used samples: the scatter
     * of y about the line over the spread of x (σ_y|x / √Sxx), from the MAD of the residuals,
     * counting {@link #SAMPLES_PER_INDEPENDENT} samples as one. NaN below 16 samples.
     */
    private static double slopeSigma(double[] x, double[] y, boolean[] use, double a, double b) {
        int m = 0;
        double mx = 0;
        for (int k = 0; k < x.length; k++) if (use[k]) { mx += x[k]; m++; }
        if (m < 16) return Double.NaN;
        mx /= m;
        double sxx = 0;
        double[] res = new double[m];
        int q = 0;
        for (int k = 0; k < x.length; k++) {
            if (!use[k]) continue;
            sxx += (x[k] - mx) * (x[k] - mx);
            res[q++] = Math.abs(y[k] - a * x[k] - b);
        }
        double s = 1.4826 * Percentiles.median(res);
        return sxx > 0 ? s / Math.sqrt(sxx) * Math.sqrt(SAMPLES_PER_INDEPENDENT * m / (m - 2.0)) : Double.NaN;
    }

    // ---------------------------------------------------------------- background

    /** Channels of the per-channel previews (0 when the tiles are mono). */
    int channels() {
        return previews.isEmpty() || previews.get(0).chan == null ? 0 : previews.get(0).chan.length;
    }

    /** Final-grid pixel the background levels refer to: the grid's centre {x, y}. */
    double[] centre() {
        return new double[] {cx, cy};
    }

    /**
     * Additive background corrections (to subtract) making one plane of the corrected previews
     * (0 luminance, 1 + c channel c; each tile corrected by g·v + o) agree in the overlaps:
     * {level, slopeX, slopeY} per preview, the correction of tile i at final-grid pixel (x, y)
     * being level[i] + slopeX[i]·(x − cx) + slopeY[i]·(y − cy) about the grid's {@link #centre()};
     * zero mean over each connected group of tiles (astropy's convention without a reference).
     * <p>
     * Offsets only ({@code planar} false, astropy's {@code match_background}): level_i − level_j =
     * median of the differences in the overlap, slopes zero. Planar: per pair a robust fit of the
     * difference d = a + b·x + c·y (+ δ·signal where the overlap holds structure: a gain residual
     * left by the blend toward neutral then shows as the sky's structure, not as a tilted plane),
     * then a global weighted least squares of every tile's level and slopes. Each pair's slope
     * difference enters along the principal axes of its overlap, weighted by the spread of the
     * overlap along each: a narrow strip measures the slope along it well and the slope across
     * it poorly, and says so (the slope across a strip is what sets the step at its two edges).
     * A faint pull toward zero slope keeps slopes that no overlap measures at zero.
     */
    double[][] solveBackground(double[] g, double[] o, int plane, boolean planar) {
        int n = previews.size();
        int per = planar ? 3 : 1;
        SparseLeastSquares ls = new SparseLeastSquares(per * n);
        List<Pair> used = new ArrayList<>();
        double maxSlopeWeight = 0;
        int planes = 0;
        for (Pair p : pairs) {
            double[][] s = samples(previews.get(p.i()), previews.get(p.j()), plane, g[p.i()], o[p.i()], g[p.j()], o[p.j()]);
            int m = s[0].length;
            if (m < 16) continue;
            double[] d = new double[m];
            for (int k = 0; k < m; k++) d[k] = s[0][k] - s[1][k];
            used.add(p);
            int i = p.i(), j = p.j();
            if (!planar) {
                ls.add(i, 1, j, -1, Percentiles.median(d), m);
                continue;
            }
            double[] u = new double[m], v = new double[m], sig = new double[m];
            for (int k = 0; k < m; k++) {
                u[k] = ((s[2][k] + 0.5) * factor - 0.5 - ox - cx) / half; // preview cell centre on the final grid
                v[k] = ((s[3][k] + 0.5) * factor - 0.5 - oy - cy) / half;
                sig[k] = 0.5 * (s[0][k] + s[1][k]);
            }
            PlaneFit f = PlaneFit.fit(d, u, v, sig, mp.clipSigma());
            if (f == null) { // too few samples for a plane: the pair still ties the levels, at its centroid
                double uc = 0, vc = 0;
                for (int k = 0; k < m; k++) { uc += u[k] / m; vc += v[k] / m; }
                ls.add(new int[] {3 * i, 3 * i + 1, 3 * i + 2, 3 * j, 3 * j + 1, 3 * j + 2},
                        new double[] {1, uc, vc, -1, -uc, -vc}, Percentiles.median(d), m);
                continue;
            }
            planes++;
            double wl = f.n() / (f.sigma() * f.sigma());
            // Level difference at the overlap's centroid.
            ls.add(new int[] {3 * i, 3 * i + 1, 3 * i + 2, 3 * j, 3 * j + 1, 3 * j + 2},
                    new double[] {1, f.uc(), f.vc(), -1, -f.uc(), -f.vc()}, f.level(), wl);
            // Slope differences along the strip's principal axes, each weighted by its information.
            double[][] axes = f.axes();
            for (double[] e : axes) {
                double w = wl * e[2];
                ls.add(new int[] {3 * i + 1, 3 * i + 2, 3 * j + 1, 3 * j + 2}, new double[] {e[0], e[1], -e[0], -e[1]},
                        e[0] * f.slopeU() + e[1] * f.slopeV(), w);
                maxSlopeWeight = Math.max(maxSlopeWeight, w);
            }
        }
        if (planar && maxSlopeWeight > 0) {
            // A faint pull toward no slope keeps directions no strip measures at zero.
            for (int i = 0; i < n; i++) {
                ls.add(3 * i + 1, 1, -1, 0, 0, 1e-3 * maxSlopeWeight);
                ls.add(3 * i + 2, 1, -1, 0, 0, 1e-3 * maxSlopeWeight);
            }
        }
        int[] anchors = anchors(n, used);
        for (int a : anchors) for (int k = 0; k < per; k++) ls.fix(per * a + k, 0);
        double[] x = ls.solve(0);
        double[][] out = new double[3][n];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < per; k++) {
                double val = x[per * i + k];
                out[k][i] = Double.isFinite(val) ? val : 0;
            }
        zeroMeanPerGroup(n, used, out);
        for (int i = 0; i < n; i++) {
            out[1][i] /= half;
            out[2][i] /= half;
        }
        if (planar)
            LOG.fine(String.format(Locale.ROOT, "[P5] planar background (plane %d): %d of %d pairs fitted with a plane",
                    plane, planes, used.size()));
        return out;
    }

    /** Subtracts, from each row of {@code params}, its mean over each connected group of the pair graph. */
    private static void zeroMeanPerGroup(int n, List<Pair> edges, double[][] params) {
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) parent[i] = i;
        for (Pair p : edges) {
            int a = find(parent, p.i()), b = find(parent, p.j());
            if (a != b) parent[a] = b;
        }
        int[] cnt = new int[n];
        for (int i = 0; i < n; i++) cnt[find(parent, i)]++;
        for (double[] row : params) {
            double[] sum = new double[n];
            for (int i = 0; i < n; i++) sum[find(parent, i)] += row[i];
            for (int i = 0; i < n; i++) row[i] -= sum[find(parent, i)] / cnt[find(parent, i)];
        }
    }

    /**
     * A robust fit of an overlap's difference d ≈ level + slopeU·(u − uc) + slopeV·(v − vc)
     * [+ δ·(signal − median)], iteratively clipped at clip·σ (σ from the MAD of the residuals).
     * The signal term is used only where the overlap's signal has structure beyond a plane (its
     * non-planar variance exceeds the difference's residual variance); on a smooth sky it would
     * only compete with the slopes.
     *
     * @param axes principal axes of the used samples' positions: {ex, ey, variance}, largest first
     */
    record PlaneFit(double level, double slopeU, double slopeV, double uc, double vc, double sigma, int n,
                    double[][] axes) {

        static PlaneFit fit(double[] d, double[] u, double[] v, double[] signal, double clip) {
            int m = d.length;
            if (m < 64) return null;
            double uc = mean(u), vc = mean(v);
            double[] du = new double[m], dv = new double[m];
            for (int k = 0; k < m; k++) { du[k] = u[k] - uc; dv[k] = v[k] - vc; }
            // Does the signal carry structure a plane cannot describe?
            double[][] planeOnly = {ones(m), du, dv};
            double[] sc = solve(planeOnly, signal, null);
            double[] dc = solve(planeOnly, d, null);
            if (sc == null || dc == null) return null;
            double sRes = variance(residual(planeOnly, signal, sc)), dRes = variance(residual(planeOnly, d, dc));
            boolean withSignal = sRes > dRes;
            double[] sm = signal.clone();
            double med = Percentiles.median(signal);
            for (int k = 0; k < m; k++) sm[k] -= med;
            double[][] x = withSignal ? new double[][] {ones(m), du, dv, sm} : planeOnly;
            boolean[] use = new boolean[m];
            Arrays.fill(use, true);
            double[] c = null;
            double sigma = Double.NaN;
            for (int iter = 0; iter < 10; iter++) {
                double[] cn = solve(x, d, use);
                if (cn == null) break;
                c = cn;
                double[] r = residual(x, d, c);
                double[] ar = new double[m];
                int q = 0;
                for (int k = 0; k < m; k++) if (use[k]) ar[q++] = Math.abs(r[k]);
                sigma = 1.4826 * Percentiles.median(Arrays.copyOf(ar, q));
                if (!(sigma > 0)) break;
                boolean changed = false;
                for (int k = 0; k < m; k++) {
                    boolean keep = Math.abs(r[k]) <= clip * sigma;
                    if (keep != use[k]) { use[k] = keep; changed = true; }
                }
                if (!changed) break;
            }
            if (c == null || !(sigma > 0)) return null;
            int n = 0;
            double suu = 0, suv = 0, svv = 0, mu = 0, mv = 0;
            for (int k = 0; k < m; k++) if (use[k]) { n++; mu += du[k]; mv += dv[k]; }
            if (n < 32) return null;
            mu /= n;
            mv /= n;
            for (int k = 0; k < m; k++) {
                if (!use[k]) continue;
                double a = du[k] - mu, b = dv[k] - mv;
                suu += a * a; suv += a * b; svv += b * b;
            }
            return new PlaneFit(c[0], c[1], c[2], uc, vc, sigma, n, axes(suu / n, suv / n, svv / n));
        }

        /** y minus its least squares plane in (u, v); null when the positions span no plane. */
        static double[] detrend(double[] y, double[] u, double[] v) {
            double[][] x = {ones(y.length), u, v};
            double[] c = solve(x, y, null);
            return c == null ? null : residual(x, y, c);
        }

        /** Eigenvectors and eigenvalues of the 2×2 covariance [[a, b], [b, c]], largest first. */
        static double[][] axes(double a, double b, double c) {
            double tr = a + c, det = a * c - b * b, disc = Math.sqrt(Math.max(0, tr * tr / 4 - det));
            double l1 = tr / 2 + disc, l2 = Math.max(0, tr / 2 - disc);
            double ex, ey;
            if (Math.abs(b) > 1e-15) { ex = l1 - c; ey = b; }
            else if (a >= c) { ex = 1; ey = 0; }
            else { ex = 0; ey = 1; }
            double norm = Math.hypot(ex, ey);
            ex /= norm;
            ey /= norm;
            return new double[][] {{ex, ey, l1}, {-ey, ex, l2}};
        }

        private static double[] ones(int m) {
            double[] o = new double[m];
            Arrays.fill(o, 1);
            return o;
        }

        private static double mean(double[] a) {
            double s = 0;
            for (double v : a) s += v;
            return s / a.length;
        }

        private static double variance(double[] r) {
            double mu = mean(r), s = 0;
            for (double v : r) s += (v - mu) * (v - mu);
            return s / r.length;
        }

        private static double[] residual(double[][] x, double[] y, double[] c) {
            double[] r = new double[y.length];
            for (int k = 0; k < y.length; k++) {
                double f = 0;
                for (int p = 0; p < x.length; p++) f += c[p] * x[p][k];
                r[k] = y[k] - f;
            }
            return r;
        }

        /** Least squares of y on the columns x over the used samples (all when use is null); null if singular. */
        private static double[] solve(double[][] x, double[] y, boolean[] use) {
            int p = x.length;
            double[][] a = new double[p][p + 1];
            // One sum per entry over the samples in order (the same sums, entry by entry, as
            // accumulating all entries sample by sample), the upper triangle mirrored: this was a
            // tenth of a small job's samples, and the robust fit calls it up to ten times a pair.
            for (int r = 0; r < p; r++) {
                double[] xr = x[r];
                for (int s = r; s <= p; s++) {
                    double[] xs = s == p ? y : x[s];
                    double sum = 0;
                    if (use == null) for (int k = 0; k < xr.length; k++) sum += xr[k] * xs[k];
                    else for (int k = 0; k < xr.length; k++) if (use[k]) sum += xr[k] * xs[k];
                    a[r][s] = sum;
                    if (s < p) a[s][r] = sum;
                }
            }
            // Gauss–Jordan with partial pivoting.
            for (int col = 0; col < p; col++) {
                int piv = col;
                for (int r = col + 1; r < p; r++) if (Math.abs(a[r][col]) > Math.abs(a[piv][col])) piv = r;
                if (!(Math.abs(a[piv][col]) > 1e-12 * (1 + Math.abs(a[col][col])))) return null;
                double[] t = a[col]; a[col] = a[piv]; a[piv] = t;
                for (int r = 0; r < p; r++) {
                    if (r == col) continue;
                    double f = a[r][col] / a[col][col];
                    for (int s = col; s <= p; s++) a[r][s] -= f * a[col][s];
                }
            }
            double[] c = new double[p];
            for (int r = 0; r < p; r++) c[r] = a[r][p] / a[r][r];
            return c;
        }
    }

    // ---------------------------------------------------------------- two-pass coverage renorm

    /**
     * Per-tile gains of the two-pass renormalisation: median over the tile's footprint of
     * blur(coverage)/coverage, clipped; the coverage is Σ tile weight × pixel weight on the
     * preview grid, blurred with σ = renormSigmaPx final pixels.
     */
    double[] coverageGains() {
        int gw = lw, gh = lh;
        float[] cov = new float[gw * gh];
        for (Preview p : previews)
            for (int y = 0; y < p.h; y++)
                for (int x = 0; x < p.w; x++) {
                    int k = y * p.w + x, gx = p.x0 - lx0 + x, gy = p.y0 - ly0 + y;
                    if (!Float.isNaN(p.lum[k]) && gx >= 0 && gy >= 0 && gx < gw && gy < gh)
                        cov[gy * gw + gx] += (float) (p.tile.weight * p.wgt[k]);
                }
        float[] blur = gaussian(cov, gw, gh, mp.renormSigmaPx() / factor);
        double[] gains = new double[previews.size()];
        for (int i = 0; i < previews.size(); i++) {
            Preview p = previews.get(i);
            double[] r = new double[p.valid];
            int m = 0;
            for (int y = 0; y < p.h; y++)
                for (int x = 0; x < p.w; x++) {
                    int k = y * p.w + x, gx = p.x0 - lx0 + x, gy = p.y0 - ly0 + y;
                    if (gx < 0 || gy < 0 || gx >= gw || gy >= gh) continue;
                    int gk = gy * gw + gx;
                    if (!Float.isNaN(p.lum[k]) && cov[gk] > 0) r[m++] = blur[gk] / cov[gk];
                }
            double gmed = m > 0 ? Percentiles.median(Arrays.copyOf(r, m)) : 1;
            gains[i] = Math.max(mp.renormGainLow(), Math.min(mp.renormGainHigh(), gmed));
        }
        return gains;
    }

    /** Separable Gaussian blur with zero outside the grid. */
    static float[] gaussian(float[] img, int w, int h, double sigma) {
        if (!(sigma > 0.3)) return img.clone();
        int r = (int) Math.ceil(3 * sigma);
        double[] k = new double[2 * r + 1];
        double s = 0;
        for (int i = -r; i <= r; i++) s += k[i + r] = Math.exp(-0.5 * i * i / (sigma * sigma));
        for (int i = 0; i < k.length; i++) k[i] /= s;
        float[] tmp = new float[w * h], out = new float[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                double a = 0;
                for (int i = -r; i <= r; i++) {
                    int xx = x + i;
                    if (xx >= 0 && xx < w) a += k[i + r] * img[y * w + xx];
                }
                tmp[y * w + x] = (float) a;
            }
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                double a = 0;
                for (int i = -r; i <= r; i++) {
                    int yy = y + i;
                    if (yy >= 0 && yy < h) a += k[i + r] * tmp[yy * w + x];
                }
                out[y * w + x] = (float) a;
            }
        return out;
    }
}
