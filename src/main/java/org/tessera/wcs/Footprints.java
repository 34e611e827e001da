package org.tessera.wcs;

/**
 * Footprints of pixel grids on the sky: border samples, overlap test, overlap fraction and the area
 * one grid covers on another.
 * <p>
 * A grid covers the pixel areas [−0.5, width − 0.5] × [−0.5, height − 0.5] (0-based pixel centres),
 * so its border runs along the outer pixel edges.
 */
public final class Footprints {
    private Footprints() {}

    /** Border samples per side used when none is given: corners plus 15 points between them. */
    public static final int DEFAULT_PER_SIDE = 16;

    /**
     * Points along the outer pixel edges of a width × height grid, counter-clockwise from
     * (−0.5, −0.5), {@code perSide} per side (corners included once): {x, y} pairs.
     */
    public static double[][] borderPixels(int width, int height, int perSide) {
        if (perSide < 1) throw new IllegalArgumentException("perSide must be ≥ 1");
        double x0 = -0.5, y0 = -0.5, x1 = width - 0.5, y1 = height - 0.5;
        double[][] p = new double[4 * perSide][];
        for (int i = 0; i < perSide; i++) {
            double f = (double) i / perSide;
            p[i] = new double[] {x0 + f * (x1 - x0), y0};
            p[perSide + i] = new double[] {x1, y0 + f * (y1 - y0)};
            p[2 * perSide + i] = new double[] {x1 - f * (x1 - x0), y1};
            p[3 * perSide + i] = new double[] {x0, y1 - f * (y1 - y0)};
        }
        return p;
    }

    /** World {ra, dec} of the border samples of a grid; samples that cannot be mapped are left out. */
    public static double[][] borderWorld(WcsGrid g, int perSide) {
        double[][] px = borderPixels(g.width(), g.height(), perSide);
        double[][] w = new double[px.length][];
        int n = 0;
        for (double[] p : px) {
            double[] o = new double[2];
            g.wcs().pixelToWorld(p[0], p[1], o);
            if (!Double.isNaN(o[0]) && !Double.isNaN(o[1])) w[n++] = o;
        }
        return java.util.Arrays.copyOf(w, n);
    }

    /** {@link #borderWorld(WcsGrid, int)} with {@link #DEFAULT_PER_SIDE}. */
    public static double[][] borderWorld(WcsGrid g) {
        return borderWorld(g, DEFAULT_PER_SIDE);
    }

    /** Whether the world point falls on the grid's pixel area. */
    public static boolean contains(WcsGrid g, double ra, double dec) {
        double[] p = new double[2];
        g.wcs().worldToPixel(ra, dec, p);
        return p[0] >= -0.5 && p[0] < g.width() - 0.5 && p[1] >= -0.5 && p[1] < g.height() - 0.5;
    }

    /** Largest angular distance in degrees from the grid centre to its border. */
    public static double radiusDeg(WcsGrid g) {
        double[] c = g.centre();
        double r = 0;
        for (double[] p : borderWorld(g)) r = Math.max(r, SkyMath.separationDeg(c[0], c[1], p[0], p[1]));
        return r;
    }

    /**
     * Whether the two footprints share any sky area: their borders, projected on a tangent plane at
     * a's centre, are tested as polygons (edge crossing or containment).
     */
    public static boolean overlaps(WcsGrid a, WcsGrid b) {
        double[] ca = a.centre(), cb = b.centre();
        double sep = SkyMath.separationDeg(ca[0], ca[1], cb[0], cb[1]);
        if (sep > radiusDeg(a) + radiusDeg(b) + 1e-9) return false;
        double[] e = SkyMath.unit(ca[0], ca[1]);
        double[][] pa = project(e, borderWorld(a)), pb = project(e, borderWorld(b));
        if (pa == null || pb == null) // a border beyond the tangent plane: fall back on sampling
            return overlapFraction(a, b, 64) > 0 || overlapFraction(b, a, 64) > 0;
        // Containment (a centre or any border sample strictly inside the other), then proper edge crossings;
        // together they also settle identical frames and frames sharing collinear edges.
        double[] ta = new double[2], tb = new double[2];
        SkyMath.gnomonic(e, ca[0], ca[1], ta);
        SkyMath.gnomonic(e, cb[0], cb[1], tb);
        if (inside(pa, tb[0], tb[1]) || inside(pb, ta[0], ta[1])) return true;
        for (double[] v : pb) if (inside(pa, v[0], v[1])) return true;
        for (double[] v : pa) if (inside(pb, v[0], v[1])) return true;
        for (int i = 0; i < pa.length; i++) {
            double[] p = pa[i], q = pa[(i + 1) % pa.length];
            for (int j = 0; j < pb.length; j++)
                if (crosses(p, q, pb[j], pb[(j + 1) % pb.length])) return true;
        }
        return false;
    }

    /** Fraction of a's area that lies on b, from 32 × 32 samples of a. */
    public static double overlapFraction(WcsGrid a, WcsGrid b) {
        return overlapFraction(a, b, 32);
    }

    /**
     * Fraction of a's area that lies on b, estimated from n × n samples at the centres of an
     * n × n partition of a (resolution 1/n of a side); 0 quickly when the footprints are far apart.
     */
    public static double overlapFraction(WcsGrid a, WcsGrid b, int n) {
        double[] ca = a.centre(), cb = b.centre();
        if (SkyMath.separationDeg(ca[0], ca[1], cb[0], cb[1]) > radiusDeg(a) + radiusDeg(b) + 1e-9) return 0;
        double[] w = new double[2], p = new double[2];
        int hit = 0;
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++) {
                double x = -0.5 + (i + 0.5) * a.width() / n, y = -0.5 + (j + 0.5) * a.height() / n;
                a.wcs().pixelToWorld(x, y, w);
                if (Double.isNaN(w[0])) continue;
                b.wcs().worldToPixel(w[0], w[1], p);
                if (p[0] >= -0.5 && p[0] < b.width() - 0.5 && p[1] >= -0.5 && p[1] < b.height() - 0.5) hit++;
            }
        return (double) hit / ((double) n * n);
    }

    /**
     * Pixels of {@code target} that a {@code width} × {@code height} grid with {@code wcs} covers:
     * the area of its border (outer pixel edges, {@link #DEFAULT_PER_SIDE} samples per side) drawn
     * on the target's pixels and clipped to the target's pixel area. A border sample that does not
     * map (beyond a projection's edge) gives the whole target, the answer without a footprint.
     */
    public static double areaOn(Wcs wcs, int width, int height, WcsGrid target) {
        double[][] border = borderPixels(width, height, DEFAULT_PER_SIDE);
        double[] w = new double[2];
        for (double[] p : border) {
            wcs.pixelToWorld(p[0], p[1], w);
            if (!Double.isFinite(w[0]) || !Double.isFinite(w[1])) return (double) target.width() * target.height();
            target.wcs().worldToPixel(w[0], w[1], p);
            if (!Double.isFinite(p[0]) || !Double.isFinite(p[1])) return (double) target.width() * target.height();
        }
        double[][] poly = border;
        double x0 = -0.5, y0 = -0.5, x1 = target.width() - 0.5, y1 = target.height() - 0.5;
        poly = clip(poly, 0, x0, true);
        poly = clip(poly, 0, x1, false);
        poly = clip(poly, 1, y0, true);
        poly = clip(poly, 1, y1, false);
        double a = 0;
        for (int i = 0, j = poly.length - 1; i < poly.length; j = i++)
            a += poly[j][0] * poly[i][1] - poly[i][0] * poly[j][1];
        return Math.abs(a) / 2;
    }

    /** One step of Sutherland–Hodgman: the part of {@code poly} where coordinate {@code axis} is >= (lower) or <= {@code edge}. */
    private static double[][] clip(double[][] poly, int axis, double edge, boolean lower) {
        java.util.List<double[]> out = new java.util.ArrayList<>();
        for (int i = 0; i < poly.length; i++) {
            double[] p = poly[i], q = poly[(i + 1) % poly.length];
            boolean pin = lower ? p[axis] >= edge : p[axis] <= edge, qin = lower ? q[axis] >= edge : q[axis] <= edge;
            if (pin) out.add(p);
            if (pin != qin) {
                double t = (edge - p[axis]) / (q[axis] - p[axis]);
                double[] r = new double[2];
                r[axis] = edge;
                r[1 - axis] = p[1 - axis] + t * (q[1 - axis] - p[1 - axis]);
                out.add(r);
            }
        }
        return out.toArray(new double[0][]);
    }

    private static double[][] project(double[] e, double[][] world) {
        double[][] out = new double[world.length][2];
        for (int i = 0; i < world.length; i++) {
            SkyMath.gnomonic(e, world[i][0], world[i][1], out[i]);
            if (Double.isNaN(out[i][0])) return null;
        }
        return out.length >= 3 ? out : null;
    }

    /** Even-odd point-in-polygon test. */
    static boolean inside(double[][] poly, double x, double y) {
        boolean in = false;
        for (int i = 0, j = poly.length - 1; i < poly.length; j = i++) {
            double xi = poly[i][0], yi = poly[i][1], xj = poly[j][0], yj = poly[j][1];
            if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) in = !in;
        }
        return in;
    }

    private static boolean crosses(double[] p1, double[] p2, double[] q1, double[] q2) {
        double d1 = cross(q1, q2, p1), d2 = cross(q1, q2, p2), d3 = cross(p1, p2, q1), d4 = cross(p1, p2, q2);
        return ((d1 > 0) != (d2 > 0)) && ((d3 > 0) != (d4 > 0)) && d1 != 0 && d2 != 0 && d3 != 0 && d4 != 0;
    }

    private static double cross(double[] o, double[] a, double[] b) {
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
    }
}
