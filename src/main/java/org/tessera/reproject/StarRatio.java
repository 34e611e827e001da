package org.tessera.reproject;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;

import org.tessera.detect.Star;
import org.tessera.detect.StarDetector;
import org.tessera.image.RowSource;
import org.tessera.math.Percentiles;
import org.tessera.wcs.WcsMapping;

/**
 * A pair's gain ratio from its overlap's stars at full resolution: where the previews are block
 * means of many pixels (master tiles of usual size: factor 8–30), a star fills one preview cell
 * and an overlap holds a handful of them, too few to prove a gain of 5–15 % (M 94's night-3
 * tiles: 1.078 ± 0.056 on the previews where their stars say 1.12). Here the stars are measured
 * on each tile's own pixels, nothing resampled: tile a is read by bands of its rows over the
 * overlap, its stars found ({@link StarDetector} on its luminance, the previews' weights) and
 * each one's curve of growth measured (sums within {@link #RADII} less the median of an annulus);
 * each star's position is carried through both WCS into tile b, which is then read by bands of
 * its rows in turn and measured with the same apertures on the sky. The pair's aperture is
 * {@link #APERTURE_R50} half-light radii of the wider of the two tiles' stars; the ratio is the
 * median of the stars' ratios there (with the two tiles' pixel areas, so that it is a ratio of
 * their pixel values, as the previews'), its standard error 1.2533 × 1.4826 × MAD / √n. The
 * local annulus takes any background, gradient or offset away. Colour tiles: each channel's
 * curve of growth is measured too, at the same stars with the same apertures, and each channel's
 * ratio taken the same way (the colour match, {@link PhotometricMatch#solveColour}).
 * <p>
 * Memory: the luminance of one band of one tile at a time, and for colour tiles its three
 * channels (its window's columns, about {@link #BAND} rows; whole rows are read {@link #CHUNK}
 * pixels a plane at a time) and the list of stars. Time: mostly the star detector on tile a's bands (two thirds of the pass on the
 * W1-like set of bench/reproject/launcher.sh), each band searched once per pair. A band where
 * no star can be measured in both tiles ({@link #reachable}: the overlap narrower there than a
 * star's stamp and margins) is neither read nor searched: the 2MASS-sized set tm4 searches 2
 * bands of 64 rows where it searched 11 of up to 290. Of tile b only the rows of the stars'
 * stamps are read. The same ratios, bit for bit, as when every band was read and searched. Deterministic and independent of threads and heap: one pair is
 * measured by one thread, bands in a fixed order.
 */
final class StarRatio {
    private StarRatio() {}

    /** Tile rows per band, before the margin. */
    static final int BAND = 256;
    /** Aperture radii (tile a's pixels; tile b's scaled to the same sky) of each star's curve of growth. */
    static final double[] RADII = {2, 2.5, 3, 3.5, 4, 5, 6, 7, 8};
    /** The sky annulus (tile a's pixels). */
    static final double ANNULUS_IN = 10, ANNULUS_OUT = 15;
    /**
     * The aperture of a pair, in half-light radii of the wider of its two tiles' stars (a Gaussian
     * star: 3.5 σ, 99.8 % of its light): the wider PSF sets it, since a star that one tile's seeing
     * spreads further loses more beyond a tight aperture (PSF σ 1.4 against 2.2 px read 0.989 at
     * 2 FWHM of the sharper; StarRatioTest). A fixed share of the light within 12 px (99 %) took
     * 12 px on M 94, whose stars' wings grow slowly, and doubled the ratios' noise there (1.20 ±
     * 0.043 against 1.12 ± 0.03).
     */
    static final double APERTURE_R50 = 3;
    /** Most stars detected per band of tile a (the brightest). */
    static final int MAX_STARS_PER_BAND = 100;
    /**
     * Tile a's rows are searched band after band until this many stars are found: the ratio's
     * error then stays well under {@link PhotometricMatch#GAIN_SIGMA_FLOOR} (a per-star spread of
     * 4 %: 0.5 %), and a dense field's long overlap is not searched to its end (the W1-like sets
     * of bench/reproject/launcher.sh hold at most 22 measurable stars a pair: never stopped).
     */
    static final int MAX_FOUND = 96;
    /** Fewest measured stars for a ratio. */
    static final int MIN_STARS = 8;
    /**
     * A star is measured where its aperture sum in tile a reaches this many σ of the annulus'
     * noise; tile b's sum is taken whatever it is. A cut on a measured flux keeps the stars whose
     * noise pushed them up: the faint end of a's selection reads too bright in a, and a cut on b
     * as well would bias b; at 20 σ that end is a few percent of a star's flux, against 10 % at
     * 10 σ (−0.4 % on the ratio of StarRatioTest's pairs, whose faintest stars are near 10 σ).
     */
    static final double MIN_SNR = 20;

    /**
     * A star of tile a: its position in tile b, b's pixels per a's pixel (area, and its root), its
     * curve of growth in a, and each channel's (colour tiles; else null).
     */
    private record Found(double xb, double yb, double scale, double area, double[] fa, double[][] ca) {}

    /**
     * The flux ratio of tile b to tile a (b's pixel values over a's, for the same sky) over the
     * union of {@code spans}: final-grid rectangles {x0, y0, x1, y1} that cover their overlap (a
     * pair's preview rows where both tiles hold data: a diagonal overlap is not read as its whole
     * bounding box), both tiles placed on the final grid ({@link Tile#mapping}):
     * {ratio, standard error, stars, aperture radius}, then for colour tiles each channel's
     * {ratio, standard error} at the same stars and aperture, then each channel's {ratio over the
     * luminance ratio, standard error}: the ratio of the two medians (so that the luminance gain
     * times it is the channel's own ratio: a median of the stars' quotients is not, where stars
     * differ in colour, 0.6 % off on ColourMatchTest's), its error that of the median of the stars'
     * quotients, where the noise the two ratios share cancels (NGC 7023's G: 1.1 % against 1.9 %
     * for the two errors in quadrature), NaN where fewer than {@link #MIN_STARS} stars measure a channel; or null where
     * the overlap holds fewer than {@link #MIN_STARS} stars measurable in both.
     */
    static double[] measure(Tile a, Tile b, List<int[]> spans) {
        // The spans on tile a's pixels: the rows to read, and per row the columns to search.
        int[] colLo = new int[a.height], colHi = new int[a.height];
        Arrays.fill(colLo, Integer.MAX_VALUE);
        Arrays.fill(colHi, Integer.MIN_VALUE);
        int rLo = Integer.MAX_VALUE, rHi = Integer.MIN_VALUE;
        double[] corner = new double[2];
        for (int[] sp : spans) {
            // The span's corners on a (a rectangle of a few preview rows: the mapping is close to
            // affine over it), one pixel wider for its curvature.
            double[] sb = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
            for (int q = 0; q < 4; q++) {
                a.mapping.mapExact(q % 2 == 0 ? sp[0] - 0.5 : sp[2] - 0.5, q < 2 ? sp[1] - 0.5 : sp[3] - 0.5, corner);
                if (Double.isNaN(corner[0])) continue;
                sb[0] = Math.min(sb[0], corner[0] - 1);
                sb[1] = Math.max(sb[1], corner[0] + 1);
                sb[2] = Math.min(sb[2], corner[1] - 1);
                sb[3] = Math.max(sb[3], corner[1] + 1);
            }
            if (!(sb[0] <= sb[1])) continue;
            int y0 = Math.max(a.cy0, (int) Math.floor(sb[2])), y1 = Math.min(a.cy1 - 1, (int) Math.ceil(sb[3]));
            int x0 = Math.max(a.cx0, (int) Math.floor(sb[0])), x1 = Math.min(a.cx1 - 1, (int) Math.ceil(sb[1]));
            if (y0 > y1 || x0 > x1) continue;
            for (int y = y0; y <= y1; y++) {
                colLo[y] = Math.min(colLo[y], x0);
                colHi[y] = Math.max(colHi[y], x1);
            }
            rLo = Math.min(rLo, y0);
            rHi = Math.max(rHi, y1);
        }
        if (rLo > rHi) return null;
        WcsMapping toB = new WcsMapping(a.input.wcs(), b.input.wcs());
        // The brightest of each band (the faint ones fail MIN_SNR), with their FWHM: the selection's
        // aperture. Registration's detector (no FWHM, a fixed 5 px selection aperture) let in
        // noisier stars: a planted gain of StarRatioTest 1.63 % off against 0.24 %. Made at the
        // first band that can hold a measurable star (none on a narrow overlap: no cold code run).
        StarDetector det = null;
        Rows buffer = new Rows();
        List<Found> found = new ArrayList<>();
        double[] pb = new double[2], px = new double[2], py = new double[2];
        for (int r0 = rLo; r0 <= rHi; r0 += BAND) {
            int r1 = Math.min(rHi + 1, r0 + BAND);
            int c0 = Integer.MAX_VALUE, c1 = Integer.MIN_VALUE;
            for (int y = r0; y < r1; y++) {
                c0 = Math.min(c0, colLo[y]);
                c1 = Math.max(c1, colHi[y] + 1);
            }
            if (c0 >= c1) continue;
            int[] box = box(a, c0, r0, c1, r1, margin(1));
            if (box == null || !reachable(b, toB, box, c0, r0, c1, r1)) continue;
            Window win = read(a, box, null, buffer);
            if (det == null) det = new StarDetector(StarDetector.Params.defaults().withMaxStars(MAX_STARS_PER_BAND));
            for (Star s : det.detect(win.lum, win.w, win.h)) {
                double xa = win.x0 + s.x(), ya = win.y0 + s.y();
                // Each star once: in the band its centre falls in.
                if (ya < r0 - 0.5 || ya >= r1 - 0.5 || xa < c0 - 0.5 || xa >= c1 - 0.5) continue;
                if (s.saturated() || !(s.fwhm() > 0)) continue;
                // Measurable in b (its place there first: the cheaper test of the two).
                toB.mapExact(xa, ya, pb);
                toB.mapExact(xa + 1, ya, px);
                toB.mapExact(xa, ya + 1, py);
                // One pixel of a covers |det J| pixels of b.
                double area = Math.abs((px[0] - pb[0]) * (py[1] - pb[1]) - (px[1] - pb[1]) * (py[0] - pb[0]));
                if (!(area > 0) || Double.isNaN(pb[0])) continue;
                double sc = Math.sqrt(area);
                int m = margin(sc);
                if (pb[0] < b.cx0 + m || pb[0] > b.cx1 - 1 - m || pb[1] < b.cy0 + m || pb[1] > b.cy1 - 1 - m) continue;
                double[] fa = growth(win.lum, win.w, win.h, s.x(), s.y(), 1);
                // Selection on a's flux within 2 FWHM (see MIN_SNR).
                if (fa == null || !(snr(fa, Math.max(2, 2 * s.fwhm())) >= MIN_SNR)) continue;
                found.add(new Found(pb[0], pb[1], sc, area, fa, channelGrowth(win, s.x(), s.y(), 1)));
            }
            if (found.size() >= MAX_FOUND) break; // a whole band's stars, in a fixed order: deterministic
        }
        // Tile b, by bands of its rows over the stars found; of each band only the rows of the
        // stars' stamps are read (a curve of growth reads its stamp alone).
        found.sort(java.util.Comparator.comparingDouble(Found::yb).thenComparingDouble(Found::xb));
        List<double[][]> curves = new ArrayList<>(); // {a's curve, b's curve, {area}, then per channel: a's, b's (or null)}
        int k = 0;
        while (k < found.size()) {
            int r0 = (int) Math.round(found.get(k).yb()), r1 = r0 + BAND;
            int e = k, c0 = Integer.MAX_VALUE, c1 = Integer.MIN_VALUE, m = 0;
            while (e < found.size() && Math.round(found.get(e).yb()) < r1) {
                int xi = (int) Math.round(found.get(e).xb());
                c0 = Math.min(c0, xi);
                c1 = Math.max(c1, xi + 1);
                m = Math.max(m, margin(found.get(e).scale()));
                e++;
            }
            int[] box = box(b, c0, r0, c1, r1, m);
            Window win = null;
            if (box != null) {
                boolean[] rows = new boolean[box[3] - box[1]];
                for (int q = k; q < e; q++) {
                    Found f = found.get(q);
                    int yi = (int) Math.round(f.yb()), half = half(f.scale());
                    for (int y = Math.max(box[1], yi - half); y <= Math.min(box[3] - 1, yi + half); y++) rows[y - box[1]] = true;
                }
                win = read(b, box, rows, buffer);
            }
            for (int q = k; q < e && win != null; q++) {
                Found f = found.get(q);
                double[] fb = growth(win.lum, win.w, win.h, f.xb() - win.x0, f.yb() - win.y0, f.scale());
                if (fb == null) continue;
                double[][] cv = new double[3 + 2 * a.channels][];
                cv[0] = f.fa();
                cv[1] = fb;
                cv[2] = new double[] {f.area()};
                double[][] cb = channelGrowth(win, f.xb() - win.x0, f.yb() - win.y0, f.scale());
                for (int c = 0; f.ca() != null && cb != null && c < a.channels; c++) {
                    cv[3 + 2 * c] = f.ca()[c];
                    cv[4 + 2 * c] = cb[c];
                }
                curves.add(cv);
            }
            k = e;
        }
        int n = curves.size();
        if (n < MIN_STARS) return null;
        // The aperture: APERTURE_R50 half-light radii of the wider of the two tiles' stars (from
        // their summed curves of growth, within the largest aperture: the bright stars weigh most,
        // whose curves the noise does not bend), the next of RADII up.
        int last = RADII.length - 1;
        double wide = 0;
        for (int t = 0; t < 2; t++) {
            double[] share = new double[RADII.length];
            for (int q = 0; q <= last; q++) {
                double sq = 0, sl = 0;
                for (double[][] cv : curves) {
                    sq += cv[t][q];
                    sl += cv[t][last];
                }
                share[q] = sq / sl;
            }
            double r50 = RADII[last];
            if (share[0] >= 0.5) r50 = RADII[0] * Math.sqrt(0.5 / share[0]);
            else
                for (int q = 1; q <= last; q++)
                    if (share[q] >= 0.5) {
                        r50 = RADII[q - 1] + (RADII[q] - RADII[q - 1]) * (0.5 - share[q - 1]) / (share[q] - share[q - 1]);
                        break;
                    }
            if (Double.isFinite(r50)) wide = Math.max(wide, r50);
        }
        int ap = 0;
        while (ap < last && RADII[ap] < APERTURE_R50 * wide) ap++;
        double[] lum = ratio(curves, 0, ap, false);
        if (lum == null) return null;
        boolean colour = a.channels == 3 && b.channels == 3;
        double[] out = new double[colour ? 16 : 4];
        out[0] = lum[0];
        out[1] = lum[1];
        out[2] = n;
        out[3] = RADII[ap];
        for (int c = 0; colour && c < 3; c++) {
            double[] r = ratio(curves, 3 + 2 * c, ap, false), q = ratio(curves, 3 + 2 * c, ap, true);
            out[4 + 2 * c] = r == null ? Double.NaN : r[0];
            out[5 + 2 * c] = r == null ? Double.NaN : r[1];
            out[10 + 2 * c] = q == null || r == null ? Double.NaN : r[0] / lum[0];
            out[11 + 2 * c] = q == null ? Double.NaN : q[1];
        }
        return out;
    }

    /**
     * b's pixel values over a's from the curves at index {@code at} (a's) and at + 1 (b's) of
     * {@code curves} at aperture {@code ap}: {median of the stars' ratios, its standard error
     * 1.2533 × 1.4826 × MAD / √n}, over the stars that hold both curves; null where fewer than
     * {@link #MIN_STARS} do or the median is not positive. {@code overLuminance}: each star's
     * ratio over its luminance ratio (curves 0 and 1).
     */
    private static double[] ratio(List<double[][]> curves, int at, int ap, boolean overLuminance) {
        // The sums over the pixel areas (an a pixel is `area` b pixels). Not corrected by the
        // shares' ratio: that correction carries the noise of the largest aperture
        // (StarRatioTest's planted gains: errors up to 1.7 % with it, 0.93 % without).
        double[] v = new double[curves.size()];
        int n = 0;
        for (double[][] cv : curves)
            if (cv[at] != null && cv[at + 1] != null)
                v[n++] = cv[at + 1][ap] / cv[at][ap] / cv[2][0] / (overLuminance ? cv[1][ap] / cv[0][ap] / cv[2][0] : 1);
        if (n < MIN_STARS) return null;
        v = Arrays.copyOf(v, n);
        double med = Percentiles.median(v.clone());
        double[] dev = new double[n];
        for (int q = 0; q < n; q++) dev[q] = Math.abs(v[q] - med);
        double mad = Percentiles.median(dev);
        if (!(med > 0)) return null;
        return new double[] {med, 1.2533 * 1.4826 * mad / Math.sqrt(n)};
    }

    /** Each channel's curve of growth ({@link #growth}) at (x, y) of a window; null for a mono window or where one is. */
    private static double[][] channelGrowth(Window win, double x, double y, double scale) {
        if (win.chan() == null) return null;
        double[][] g = new double[win.chan().length][];
        for (int c = 0; c < g.length; c++)
            if ((g[c] = growth(win.chan()[c], win.w(), win.h(), x, y, scale)) == null) return null;
        return g;
    }

    /** Half-size of a star's stamp in a tile of {@code scale} of a's pixels per a's pixel: the annulus, and two. */
    private static int margin(double scale) {
        return (int) Math.ceil(ANNULUS_OUT * scale) + 2;
    }

    /** Half-size of a curve of growth's stamp ({@link #growth}) at {@code scale}. */
    private static int half(double scale) {
        return (int) Math.ceil(ANNULUS_OUT * scale) + 1;
    }

    /**
     * Columns [c0, c1) and rows [r0, r1) of tile t with a margin of m, clipped to its crop window:
     * {x0, y0, x1, y1}, or null where nothing is left.
     */
    private static int[] box(Tile t, int c0, int r0, int c1, int r1, int m) {
        int x0 = Math.max(t.cx0, c0 - m), x1 = Math.min(t.cx1, c1 + m);
        int y0 = Math.max(t.cy0, r0 - m), y1 = Math.min(t.cy1, r1 + m);
        return x0 >= x1 || y0 >= y1 ? null : new int[] {x0, y0, x1, y1};
    }

    /**
     * Whether a star of tile a's band (columns [c0, c1), rows [r0, r1), read as {@code box}) can
     * be measured in both tiles; false only where none can, so a band left unread loses no star.
     * A star is kept only where its centre lies in the band, a's stamp ({@link #half} at scale 1)
     * fits in the box (else {@link #growth} gives null) and its place in b lies at least
     * {@link #margin} of its scale inside b's crop window: the first two bound its centre to a
     * rectangle of a, which is carried into b by points of its border at most 32 px apart (a
     * WCS maps a rectangle's border onto the border of its image, and between such points it
     * departs from a straight line by thousandths of a pixel: 1 px is allowed), its scale the
     * least at those points less 1 %. On a narrow overlap no band can hold one, and the pair
     * reads no pixel: three of the five pairs of bench/reproject/launcher.sh's tm4, whose tiles,
     * cropped by 3 %, overlap side by side by about 30 px.
     */
    private static boolean reachable(Tile b, WcsMapping toB, int[] box, int c0, int r0, int c1, int r1) {
        int h = half(1);
        // Stamp inside the box: round(x − x0) ≥ h and ≤ w − 1 − h, i.e. x − x0 in [h − 0.5, w − h − 0.5).
        double xa0 = Math.max(c0 - 0.5, box[0] + h - 0.5), xa1 = Math.min(c1 - 0.5, box[2] - h - 0.5);
        double ya0 = Math.max(r0 - 0.5, box[1] + h - 0.5), ya1 = Math.min(r1 - 0.5, box[3] - h - 0.5);
        // (The band's test is made on x0 + x, rounded: a hair of slack.)
        if (!(xa0 < xa1 + 1e-6 && ya0 < ya1 + 1e-6)) return false;
        int nx = (int) Math.ceil(Math.max(0, xa1 - xa0) / 32) + 2, ny = (int) Math.ceil(Math.max(0, ya1 - ya0) / 32) + 2;
        double bx0 = Double.POSITIVE_INFINITY, bx1 = Double.NEGATIVE_INFINITY, by0 = bx0, by1 = bx1, scale = bx0;
        double[] p = new double[2], px = new double[2], py = new double[2];
        for (int j = 0; j < ny; j++)
            for (int i = 0; i < nx; i++) {
                if (j > 0 && j < ny - 1 && i > 0 && i < nx - 1) continue; // the border only
                double x = xa0 + (xa1 - xa0) * i / (nx - 1), y = ya0 + (ya1 - ya0) * j / (ny - 1);
                toB.mapExact(x, y, p);
                toB.mapExact(x + 1, y, px);
                toB.mapExact(x, y + 1, py);
                double area = Math.abs((px[0] - p[0]) * (py[1] - p[1]) - (px[1] - p[1]) * (py[0] - p[0]));
                if (!Double.isFinite(area) || Double.isNaN(p[0]) || Double.isNaN(p[1])) return true; // nothing proven
                bx0 = Math.min(bx0, p[0]);
                bx1 = Math.max(bx1, p[0]);
                by0 = Math.min(by0, p[1]);
                by1 = Math.max(by1, p[1]);
                scale = Math.min(scale, Math.sqrt(area));
            }
        int m = margin(0.99 * scale);
        return bx1 + 1 >= b.cx0 + m && bx0 - 1 <= b.cx1 - 1 - m && by1 + 1 >= b.cy0 + m && by0 - 1 <= b.cy1 - 1 - m;
    }

    /** Luminance of a tile's pixels [x0, x0 + w) × [y0, y0 + h), NaN where invalid; its channels likewise (colour tiles; else null). */
    private record Window(int x0, int y0, int w, int h, float[] lum, float[][] chan) {}

    /**
     * A pair's buffer of whole tile rows, every channel and alpha, and their W: a band is read
     * through it a few rows at a time ({@link #CHUNK} pixels a plane), so that only the window's
     * columns are kept.
     */
    private static final class Rows {
        float[][] planes;
        float[] alpha, w;
    }

    /** Pixels a plane of {@link Rows} holds (whole rows; at least one row). */
    static final int CHUNK = 1 << 16;

    /**
     * Tile t's luminance (the previews' weights) over {@code box} ({@link #box}); NaN where a
     * pixel is not valid (W not &gt; 0). Reads only those rows, or of them only those that
     * {@code rows} marks (null: all; the others are left 0, for a caller that reads only stamps
     * on marked rows), a few at a time through {@code buf}.
     */
    private static Window read(Tile t, int[] box, boolean[] rows, Rows buf) {
        int x0 = box[0], y0 = box[1], w = box[2] - x0, h = box[3] - y0;
        int chunk = Math.max(1, Math.min(h, CHUNK / t.width)), n = chunk * t.width;
        if (buf.planes == null || buf.planes.length != t.channels || buf.w.length < n) {
            buf.planes = new float[t.channels][n];
            buf.w = new float[n];
            buf.alpha = null;
        }
        if (t.input.alpha() != null && (buf.alpha == null || buf.alpha.length < buf.w.length))
            buf.alpha = new float[buf.w.length];
        float[][] planes = buf.planes;
        float[] alpha = t.input.alpha() == null ? null : buf.alpha, wp = buf.w;
        double[] lw = t.channels == 3 ? new double[] {0.299, 0.587, 0.114} : null;
        float[] mono = t.channels == 1 ? planes[0] : null;
        float[] lum = new float[w * h];
        float[][] chan = lw == null ? null : new float[3][w * h];
        for (int y = 0; y < h; ) {
            if (rows != null && !rows[y]) {
                y++;
                continue;
            }
            int k = 1; // rows to read: the marked run from y, at most a chunk
            while (k < chunk && y + k < h && (rows == null || rows[y + k])) k++;
            try {
                readRows(t.input.image(), y0 + y, k, planes);
                if (alpha != null) readRows(t.input.alpha(), y0 + y, k, new float[][] {alpha});
            } catch (IOException e) {
                throw t.readFailure(e);
            }
            for (int r = 0; r < k; r++) {
                int from = r * t.width + x0, o = (y + r) * w;
                t.weights(planes, alpha, from, w, wp); // the window's columns only
                for (int x = 0; x < w; x++) {
                    int i = from + x;
                    double l;
                    if (!(wp[i] > 0)) l = Double.NaN;
                    else if (lw != null) l = lw[0] * planes[0][i] + lw[1] * planes[1][i] + lw[2] * planes[2][i];
                    else if (mono != null) l = 0.0 + mono[i]; // the mean below of one channel
                    else {
                        l = 0;
                        for (float[] p : planes) l += p[i];
                        l /= planes.length;
                    }
                    lum[o + x] = (float) l;
                    for (int c = 0; chan != null && c < 3; c++) chan[c][o + x] = Double.isNaN(l) ? Float.NaN : planes[c][i];
                }
            }
            y += k;
        }
        return new Window(x0, y0, w, h, lum, chan);
    }

    /**
     * A star's curve of growth: its sums over the pixels whose centre lies within each of
     * {@link #RADII} × {@code scale} of (x, y), less the median of the annulus
     * [{@link #ANNULUS_IN}, {@link #ANNULUS_OUT}] × scale; then the annulus' noise per pixel
     * (1.4826 MAD) and its pixel count. Null where the stamp leaves the array or holds an invalid pixel.
     */
    static double[] growth(float[] img, int w, int h, double x, double y, double scale) {
        int xi = (int) Math.round(x), yi = (int) Math.round(y);
        double r2 = ANNULUS_OUT * scale, r1 = ANNULUS_IN * scale;
        int half = half(scale);
        if (xi - half < 0 || yi - half < 0 || xi + half >= w || yi + half >= h) return null;
        int nr = RADII.length;
        double[] sum = new double[nr];
        int[] cnt = new int[nr];
        double[] ann = new double[(2 * half + 1) * (2 * half + 1)];
        // Every radius a pixel's distance is compared with. The distance is sqrt(dx² + dy²),
        // within 2 ulp of the true one, and Math.hypot's (within 1 ulp: what this measured
        // before, half of a curve's cost) only where the two could fall on two sides of a
        // radius, within 1e-9 of it (x 100.108, y 200.344: pixel (98, 199) at 2.5 by the one,
        // 2.5000000000000004 by the other): the same pixels in the same sums.
        double[] radii = new double[nr + 2];
        for (int q = 0; q < nr; q++) radii[q] = RADII[q] * scale;
        radii[nr] = r1;
        radii[nr + 1] = r2;
        int nAn = 0;
        for (int yy = yi - half; yy <= yi + half; yy++)
            for (int xx = xi - half; xx <= xi + half; xx++) {
                float v = img[yy * w + xx];
                double dx = xx - x, dy = yy - y, d = Math.sqrt(dx * dx + dy * dy);
                for (double r : radii)
                    if (Math.abs(d - r) <= 1e-9 * r) {
                        d = Math.hypot(dx, dy);
                        break;
                    }
                if (d > r2) continue;
                if (Float.isNaN(v)) return null;
                if (d >= r1) ann[nAn++] = v;
                // The first radius that holds the pixel; the sums are made cumulative below.
                for (int q = 0; q < nr; q++)
                    if (d <= radii[q]) {
                        sum[q] += v;
                        cnt[q]++;
                        break;
                    }
            }
        if (nAn < 16) return null;
        double[] an = Arrays.copyOf(ann, nAn);
        double bg = Percentiles.median(an);
        for (int q = 0; q < nAn; q++) an[q] = Math.abs(an[q] - bg);
        double sigma = 1.4826 * Percentiles.median(an);
        double[] out = new double[nr + 2];
        double s = 0;
        int c = 0;
        for (int q = 0; q < nr; q++) {
            s += sum[q];
            c += cnt[q];
            out[q] = s - c * bg;
        }
        out[nr] = sigma;
        out[nr + 1] = nAn;
        return out;
    }

    /**
     * Signal to noise of a curve of growth ({@link #growth}) at the largest of {@link #RADII} not
     * above r: the noise of the sum and of the background taken from it (a median: π/2 the
     * variance of a mean).
     */
    static double snr(double[] g, double r) {
        int q = 0;
        while (q + 1 < RADII.length && RADII[q + 1] <= r) q++;
        double nAp = Math.PI * RADII[q] * RADII[q], nAn = g[RADII.length + 1];
        double noise = g[RADII.length] * Math.sqrt(nAp * (1 + Math.PI / 2 * nAp / nAn));
        return g[q] / noise;
    }

    /**
     * One reader at a time per source: pairs are measured in parallel and share tiles. A pair
     * cancelled by another's failure (ReprojectCoadd.Tasks) reads no further: a band is read in
     * several chunks, and none of them is begun once the thread is interrupted.
     */
    private static void readRows(RowSource src, int y0, int rows, float[][] dst) throws IOException {
        if (Thread.currentThread().isInterrupted()) throw new CancellationException("interrupted");
        synchronized (src) {
            src.readRows(y0, rows, dst);
        }
    }
}
