package org.tessera.reproject;

/**
 * The {@link Kernel#EXACT} kernel: for each target pixel, the quadrilateral of its four mapped
 * corners (source pixel coordinates, straight edges) is intersected exactly with every source
 * pixel square it touches, then
 * <pre>
 *   value = Σ aᵢ·Wᵢ·vᵢ / Σ aᵢ·Wᵢ      weight = Σ aᵢ·Wᵢ / area(quad)
 * </pre>
 * over the valid source pixels i (W &gt; 0), aᵢ the area of the quadrilateral inside pixel i.
 * <p>
 * The intersections come from a sweep: the quadrilateral is split along the column lines
 * x = k + ½ into one-column slabs, each slab along the row lines y = r + ½ into one-pixel pieces
 * (a Sutherland–Hodgman pass that keeps both sides of the line), and each piece's area is the
 * shoelace formula's. One pass per grid line crossed, so a quadrilateral over c columns and r
 * rows costs about c + c·r passes over a handful of vertices. Splitting a non-convex (but simple)
 * polygon this way still gives the right areas, so strong distortion needs no special case; a
 * quadrilateral with a corner that does not map gets weight 0.
 * <p>
 * Neighbouring target pixels share their corners, so their quadrilaterals tile the source plane:
 * every source pixel's area is handed out exactly once, which is what conserves flux. Grid lines
 * closer than {@value #EPS} px to the quadrilateral's extent are not cut (the rounding of an
 * identity mapping would otherwise hand every pixel slivers of its neighbours), and a total
 * weight below {@value #MIN_COVER} of the quadrilateral counts as outside the footprint.
 */
final class ExactOverlap {
    private ExactOverlap() {}

    /** Overlaps thinner than this (source pixels) are ignored. */
    static final double EPS = 1e-9;
    /** Smallest weight (fraction of the target pixel) kept. */
    static final double MIN_COVER = 1e-6;
    /**
     * Vertex capacity of the polygon buffers. A convex quadrilateral's pieces have at most 8; a
     * non-convex one's boundary also runs back and forth along cut lines, still far below this.
     */
    private static final int MAX_VERTICES = 64;

    /** Polygon buffers reused from row to row by one thread. */
    static final class Scratch {
        final Polygon[] p = {new Polygon(), new Polygon(), new Polygon(), new Polygon(), new Polygon()};
        double[] acc = new double[4];
    }

    /**
     * Samples n target pixels: pixel i has corners (tx[i], ty[i]), (tx[i+1], ty[i+1]) on top and
     * (bx[i], by[i]), (bx[i+1], by[i+1]) below, all in source pixel coordinates.
     */
    static void sampleRow(SourceStrip s, double[] tx, double[] ty, double[] bx, double[] by, int n,
                          float[] wOut, float[][] vOut, Scratch scratch) {
        final int nc = s.channels;
        if (scratch.acc.length < nc) scratch.acc = new double[nc];
        double[] acc = scratch.acc;
        Polygon rest = scratch.p[0], slab = scratch.p[1], slabRest = scratch.p[2], piece = scratch.p[3], tmp = scratch.p[4];
        for (int i = 0; i < n; i++) {
            double x0 = tx[i], y0 = ty[i], x1 = tx[i + 1], y1 = ty[i + 1];
            double x2 = bx[i + 1], y2 = by[i + 1], x3 = bx[i], y3 = by[i];
            if (!Double.isFinite(x0 + y0 + x1 + y1 + x2 + y2 + x3 + y3)) { wOut[i] = 0; continue; }
            // Twice the signed area, from the diagonals; its sign is the mapping's orientation.
            double a2 = (x2 - x0) * (y3 - y1) - (y2 - y0) * (x3 - x1);
            double area = 0.5 * Math.abs(a2);
            if (!(area > 1e-12)) { wOut[i] = 0; continue; }
            double minX = Math.min(Math.min(x0, x1), Math.min(x2, x3)), maxX = Math.max(Math.max(x0, x1), Math.max(x2, x3));
            double minY = Math.min(Math.min(y0, y1), Math.min(y2, y3)), maxY = Math.max(Math.max(y0, y1), Math.max(y2, y3));
            // Source pixel k spans [k - 1/2, k + 1/2]: the ones overlapped by more than EPS.
            int fx = firstPixel(minX), lx = lastPixel(maxX), fy = firstPixel(minY), ly = lastPixel(maxY);
            if (fx == lx && fy == ly) { // inside one source pixel: upsampling's common case
                float w = s.weightAt(fx, fy);
                if (!(w > 0)) { wOut[i] = 0; continue; }
                wOut[i] = w;
                int j = fy - s.y0, o = s.offsets[j] + fx;
                for (int c = 0; c < nc; c++) vOut[c][i] = s.rows[c][j][o];
                continue;
            }
            // Columns and rows inside the strip's valid window; the rest adds area, not weight.
            int kx0 = Math.max(fx, s.vx0), kx1 = Math.min(lx, s.vx1 - 1);
            int ky0 = Math.max(fy, s.vy0), ky1 = Math.min(ly, s.vy1 - 1);
            if (kx0 > kx1 || ky0 > ky1) { wOut[i] = 0; continue; }
            // Coordinates relative to corner 0, so the areas of small pieces keep their precision.
            rest.set(0, 0, x1 - x0, y1 - y0, x2 - x0, y2 - y0, x3 - x0, y3 - y0);
            if (kx0 > fx) { // drop what lies left of the window
                rest.split(kx0 - 0.5 - x0, true, tmp, slab);
                Polygon t = rest; rest = slab; slab = t;
            }
            double half = a2 > 0 ? 0.5 : -0.5; // shoelace sums are twice the signed area
            double sw = 0;
            for (int c = 0; c < nc; c++) acc[c] = 0;
            for (int k = kx0; k <= kx1; k++) {
                if (k < lx) { // split off column k; the rest goes on to the next one
                    rest.split(k + 0.5 - x0, true, slab, tmp);
                    Polygon t = rest; rest = tmp; tmp = t;
                } else {
                    Polygon t = slab; slab = rest; rest = t;
                }
                if (slab.n < 3) continue;
                int sf = firstPixel(slab.minY() + y0), sl = lastPixel(slab.maxY() + y0);
                int r0 = Math.max(ky0, sf), r1 = Math.min(ky1, sl);
                if (r0 > sf) { // drop what lies above the window
                    slab.split(r0 - 0.5 - y0, false, tmp, slabRest);
                    Polygon t = slab; slab = slabRest; slabRest = t;
                }
                for (int r = r0; r <= r1; r++) {
                    Polygon p;
                    if (r < sl) {
                        slab.split(r + 0.5 - y0, false, piece, slabRest);
                        Polygon t = slab; slab = slabRest; slabRest = t;
                        p = piece;
                    } else {
                        p = slab;
                    }
                    float w = s.weightAt(k, r);
                    if (!(w > 0)) continue;
                    double a = half * p.shoelace();
                    if (!(a > 0)) continue;
                    double aw = a * w;
                    sw += aw;
                    int j = r - s.y0, o = s.offsets[j] + k;
                    for (int c = 0; c < nc; c++) acc[c] += aw * s.rows[c][j][o];
                }
            }
            if (!(sw >= MIN_COVER * area)) { wOut[i] = 0; continue; }
            wOut[i] = (float) (sw / area);
            for (int c = 0; c < nc; c++) vOut[c][i] = (float) (acc[c] / sw);
        }
    }

    /** The first pixel whose square [k - 1/2, k + 1/2] reaches beyond v by more than EPS. */
    private static int firstPixel(double v) {
        return (int) Math.floor(v - 0.5 + EPS) + 1;
    }

    /** The last pixel whose square starts before v by more than EPS. */
    private static int lastPixel(double v) {
        return (int) Math.ceil(v + 0.5 - EPS) - 1;
    }

    /** A polygon in reusable buffers. */
    static final class Polygon {
        final double[] x = new double[MAX_VERTICES], y = new double[MAX_VERTICES];
        int n;

        void set(double... xy) {
            n = xy.length / 2;
            for (int v = 0; v < n; v++) {
                x[v] = xy[2 * v];
                y[v] = xy[2 * v + 1];
            }
        }

        double minY() {
            double m = Double.POSITIVE_INFINITY;
            for (int v = 0; v < n; v++) m = Math.min(m, y[v]);
            return m;
        }

        double maxY() {
            double m = Double.NEGATIVE_INFINITY;
            for (int v = 0; v < n; v++) m = Math.max(m, y[v]);
            return m;
        }

        /**
         * Sutherland–Hodgman keeping both sides: the part with x &lt; bound ({@code alongX}, else
         * y &lt; bound) goes to lo, the rest to hi. Cut points get exactly {@code bound}; a vertex
         * on the line goes to both.
         */
        void split(double bound, boolean alongX, Polygon lo, Polygon hi) {
            // Written for one axis; the other is the same with x and y swapped.
            if (alongX) split(x, y, bound, lo.x, lo.y, hi.x, hi.y, lo, hi);
            else split(y, x, bound, lo.y, lo.x, hi.y, hi.x, lo, hi);
        }

        /** Splits along u = bound (u, v: this polygon's coordinates across and along the line). */
        private void split(double[] u, double[] v, double bound, double[] lu, double[] lv, double[] hu, double[] hv,
                           Polygon lo, Polygon hi) {
            int nl = 0, nh = 0, m = n;
            if (m > 0) {
                double pu = u[m - 1], pv = v[m - 1], pd = pu - bound;
                for (int k = 0; k < m; k++) {
                    double cu = u[k], cv = v[k], cd = cu - bound;
                    if ((cd < 0 && pd > 0) || (cd > 0 && pd < 0)) { // the edge crosses the line
                        double iv = pv + pd / (pd - cd) * (cv - pv);
                        lu[nl] = bound; lv[nl++] = iv;
                        hu[nh] = bound; hv[nh++] = iv;
                    }
                    if (cd <= 0) { lu[nl] = cu; lv[nl++] = cv; }
                    if (cd >= 0) { hu[nh] = cu; hv[nh++] = cv; }
                    pv = cv;
                    pd = cd;
                }
            }
            lo.n = nl;
            hi.n = nh;
        }

        /** Twice the signed area. */
        double shoelace() {
            if (n < 3) return 0;
            double s = 0;
            double px = x[n - 1], py = y[n - 1];
            for (int v = 0; v < n; v++) {
                s += px * y[v] - x[v] * py;
                px = x[v];
                py = y[v];
            }
            return s;
        }
    }
}
