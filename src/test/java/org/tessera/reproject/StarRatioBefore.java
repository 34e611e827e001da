package org.tessera.reproject;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.tessera.detect.Star;
import org.tessera.detect.StarDetector;
import org.tessera.image.RowSource;
import org.tessera.math.Percentiles;
import org.tessera.wcs.WcsMapping;

/**
 * {@link StarRatio#measure} and {@link StarRatio#growth} as they were before their work was cut
 * (commit 4e1c7a1: every band of tile a read and searched, whole rows allocated per band, every
 * row of tile b's bands read, each star's curve of growth in a before its place in b, every
 * distance by Math.hypot), kept verbatim for {@link StarRatioSameResultsTest} to prove that the
 * cheaper pass gives the same numbers.
 */
final class StarRatioBefore {
    private StarRatioBefore() {}

    private record Found(double xb, double yb, double scale, double area, double[] fa) {}

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
        // The brightest of each band (the faint ones fail StarRatio.MIN_SNR), with their FWHM: the selection's
        // aperture. Registration's detector (no FWHM, a fixed 5 px selection aperture) let in
        // noisier stars: a planted gain of StarRatioTest 1.63 % off against 0.24 %.
        StarDetector det = new StarDetector(StarDetector.Params.defaults().withMaxStars(StarRatio.MAX_STARS_PER_BAND));
        List<Found> found = new ArrayList<>();
        double[] pb = new double[2], px = new double[2], py = new double[2];
        for (int r0 = rLo; r0 <= rHi; r0 += StarRatio.BAND) {
            int r1 = Math.min(rHi + 1, r0 + StarRatio.BAND);
            int c0 = Integer.MAX_VALUE, c1 = Integer.MIN_VALUE;
            for (int y = r0; y < r1; y++) {
                c0 = Math.min(c0, colLo[y]);
                c1 = Math.max(c1, colHi[y] + 1);
            }
            if (c0 >= c1) continue;
            Window win = read(a, c0, r0, c1, r1, margin(1));
            if (win == null) continue;
            for (Star s : det.detect(win.lum, win.w, win.h)) {
                double xa = win.x0 + s.x(), ya = win.y0 + s.y();
                // Each star once: in the band its centre falls in.
                if (ya < r0 - 0.5 || ya >= r1 - 0.5 || xa < c0 - 0.5 || xa >= c1 - 0.5) continue;
                if (s.saturated() || !(s.fwhm() > 0)) continue;
                double[] fa = growth(win.lum, win.w, win.h, s.x(), s.y(), 1);
                // Selection on a's flux within 2 FWHM (see StarRatio.MIN_SNR).
                if (fa == null || !(StarRatio.snr(fa, Math.max(2, 2 * s.fwhm())) >= StarRatio.MIN_SNR)) continue;
                toB.mapExact(xa, ya, pb);
                toB.mapExact(xa + 1, ya, px);
                toB.mapExact(xa, ya + 1, py);
                // One pixel of a covers |det J| pixels of b.
                double area = Math.abs((px[0] - pb[0]) * (py[1] - pb[1]) - (px[1] - pb[1]) * (py[0] - pb[0]));
                if (!(area > 0) || Double.isNaN(pb[0])) continue;
                double sc = Math.sqrt(area);
                int m = margin(sc);
                if (pb[0] < b.cx0 + m || pb[0] > b.cx1 - 1 - m || pb[1] < b.cy0 + m || pb[1] > b.cy1 - 1 - m) continue;
                found.add(new Found(pb[0], pb[1], sc, area, fa));
            }
            if (found.size() >= StarRatio.MAX_FOUND) break; // a whole band's stars, in a fixed order: deterministic
        }
        // Tile b, by bands of its rows over the stars found.
        found.sort(java.util.Comparator.comparingDouble(Found::yb).thenComparingDouble(Found::xb));
        List<double[][]> curves = new ArrayList<>(); // {a's curve, b's curve, {area}}
        int k = 0;
        while (k < found.size()) {
            int r0 = (int) Math.round(found.get(k).yb()), r1 = r0 + StarRatio.BAND;
            int e = k, c0 = Integer.MAX_VALUE, c1 = Integer.MIN_VALUE, m = 0;
            while (e < found.size() && Math.round(found.get(e).yb()) < r1) {
                int xi = (int) Math.round(found.get(e).xb());
                c0 = Math.min(c0, xi);
                c1 = Math.max(c1, xi + 1);
                m = Math.max(m, margin(found.get(e).scale()));
                e++;
            }
            Window win = read(b, c0, r0, c1, r1, m);
            for (int q = k; q < e && win != null; q++) {
                Found f = found.get(q);
                double[] fb = growth(win.lum, win.w, win.h, f.xb() - win.x0, f.yb() - win.y0, f.scale());
                if (fb != null) curves.add(new double[][] {f.fa(), fb, {f.area()}});
            }
            k = e;
        }
        int n = curves.size();
        if (n < StarRatio.MIN_STARS) return null;
        // The aperture: StarRatio.APERTURE_R50 half-light radii of the wider of the two tiles' stars (from
        // their summed curves of growth, within the largest aperture: the bright stars weigh most,
        // whose curves the noise does not bend), the next of StarRatio.RADII up.
        int last = StarRatio.RADII.length - 1;
        double wide = 0;
        for (int t = 0; t < 2; t++) {
            double[] share = new double[StarRatio.RADII.length];
            for (int q = 0; q <= last; q++) {
                double sq = 0, sl = 0;
                for (double[][] cv : curves) {
                    sq += cv[t][q];
                    sl += cv[t][last];
                }
                share[q] = sq / sl;
            }
            double r50 = StarRatio.RADII[last];
            if (share[0] >= 0.5) r50 = StarRatio.RADII[0] * Math.sqrt(0.5 / share[0]);
            else
                for (int q = 1; q <= last; q++)
                    if (share[q] >= 0.5) {
                        r50 = StarRatio.RADII[q - 1] + (StarRatio.RADII[q] - StarRatio.RADII[q - 1]) * (0.5 - share[q - 1]) / (share[q] - share[q - 1]);
                        break;
                    }
            if (Double.isFinite(r50)) wide = Math.max(wide, r50);
        }
        int ap = 0;
        while (ap < last && StarRatio.RADII[ap] < StarRatio.APERTURE_R50 * wide) ap++;
        // b's pixel values over a's: the sums over the pixel areas (an a pixel is `area` b pixels).
        // Not corrected by the shares' ratio: that correction carries the noise of the largest
        // aperture (StarRatioTest's planted gains: errors up to 1.7 % with it, 0.93 % without).
        double[] v = new double[n];
        for (int q = 0; q < n; q++) v[q] = curves.get(q)[1][ap] / curves.get(q)[0][ap] / curves.get(q)[2][0];
        double med = Percentiles.median(v.clone());
        double[] dev = new double[n];
        for (int q = 0; q < n; q++) dev[q] = Math.abs(v[q] - med);
        double mad = Percentiles.median(dev);
        if (!(med > 0)) return null;
        return new double[] {med, 1.2533 * 1.4826 * mad / Math.sqrt(n), n, StarRatio.RADII[ap]};
    }

    /** Half-size of a star's stamp in a tile of {@code scale} of a's pixels per a's pixel: the annulus, and two. */
    private static int margin(double scale) {
        return (int) Math.ceil(StarRatio.ANNULUS_OUT * scale) + 2;
    }

    /** Luminance of a tile's pixels [x0, x0 + w) × [y0, y0 + h), NaN where invalid. */
    private record Window(int x0, int y0, int w, int h, float[] lum) {}

    /**
     * Tile t's luminance (the previews' weights) over columns [c0, c1) and rows [r0, r1) with a
     * margin of m, clipped to its crop window; NaN where a pixel is not valid
     * (W not &gt; 0). Reads only those rows; null where nothing is left.
     */
    private static Window read(Tile t, int c0, int r0, int c1, int r1, int m) {
        int x0 = Math.max(t.cx0, c0 - m), x1 = Math.min(t.cx1, c1 + m);
        int y0 = Math.max(t.cy0, r0 - m), y1 = Math.min(t.cy1, r1 + m);
        if (x0 >= x1 || y0 >= y1) return null;
        int rows = y1 - y0, n = rows * t.width, w = x1 - x0;
        float[][] planes = new float[t.channels][n];
        float[] alpha = t.input.alpha() == null ? null : new float[n];
        try {
            readRowsSync(t.input.image(), y0, rows, planes);
            if (alpha != null) readRowsSync(t.input.alpha(), y0, rows, new float[][] {alpha});
        } catch (IOException e) {
            throw t.readFailure(e);
        }
        float[] wp = new float[n];
        for (int y = 0; y < rows; y++) t.weights(planes, alpha, y * t.width + x0, w, wp); // the window's columns only
        double[] lw = t.channels == 3 ? new double[] {0.299, 0.587, 0.114} : null;
        float[] lum = new float[w * rows];
        for (int y = 0; y < rows; y++)
            for (int x = 0; x < w; x++) {
                int i = y * t.width + x0 + x;
                double l;
                if (!(wp[i] > 0)) l = Double.NaN;
                else if (lw != null) l = lw[0] * planes[0][i] + lw[1] * planes[1][i] + lw[2] * planes[2][i];
                else {
                    l = 0;
                    for (float[] p : planes) l += p[i];
                    l /= planes.length;
                }
                lum[y * w + x] = (float) l;
            }
        return new Window(x0, y0, w, rows, lum);
    }

    /** {@link StarRatio#growth} as it was (distances by Math.hypot). */
    static double[] growth(float[] img, int w, int h, double x, double y, double scale) {
        int xi = (int) Math.round(x), yi = (int) Math.round(y);
        double r2 = StarRatio.ANNULUS_OUT * scale, r1 = StarRatio.ANNULUS_IN * scale;
        int half = (int) Math.ceil(r2) + 1;
        if (xi - half < 0 || yi - half < 0 || xi + half >= w || yi + half >= h) return null;
        int nr = StarRatio.RADII.length;
        double[] sum = new double[nr];
        int[] cnt = new int[nr];
        double[] ann = new double[(2 * half + 1) * (2 * half + 1)];
        int nAn = 0;
        for (int yy = yi - half; yy <= yi + half; yy++)
            for (int xx = xi - half; xx <= xi + half; xx++) {
                float v = img[yy * w + xx];
                double d = Math.hypot(xx - x, yy - y);
                if (d > r2) continue;
                if (Float.isNaN(v)) return null;
                if (d >= r1) ann[nAn++] = v;
                // The first radius that holds the pixel; the sums are made cumulative below.
                for (int q = 0; q < nr; q++)
                    if (d <= StarRatio.RADII[q] * scale) {
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

    private static void readRowsSync(RowSource src, int y0, int rows, float[][] dst) throws IOException {
        synchronized (src) {
            src.readRows(y0, rows, dst);
        }
    }
}
