package org.tessera.wcs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * The final mosaic grid (Phase 4): a north-referenced TAN grid in ICRS whose tangent point is the
 * spherical centroid of the inputs' centres, whose pixel scale is the mean input scale (or a given
 * one), whose rotation minimises the area of the bounding box, and whose shape covers every input
 * footprint.
 * <p>
 * Algorithm: each footprint's border is sampled along its outer pixel edges
 * ({@link Footprints#DEFAULT_PER_SIDE} points per side, so curved SIP/wide-field edges are followed,
 * not only corners) and projected on the tangent plane at the centroid. The bounding-box area as a
 * function of the rotation angle ρ is evaluated on a coarse 1° grid over (−45°, 45°] and at every
 * edge direction of the convex hull of the projected points — the minimum-area bounding rectangle
 * always has a side along a hull edge (Freeman &amp; Shapira 1975), so this finds the exact optimum;
 * of equal areas the angle nearest north-up wins. CRPIX puts the lowest sample on the outer edge of
 * pixel 0 (x = −0.5), and the shape is the ceiling of the box. Works across RA 0/360 and at the poles
 * because everything is done with unit vectors and the TAN plane at the centroid.
 */
public final class OptimalGrid {
    private OptimalGrid() {}

    private static final Logger LOG = Logger.getLogger("org.tessera.wcs");
    private static final double D2R = Math.PI / 180, R2D = 180 / Math.PI;
    /** Largest grid side accepted; beyond it the inputs or the scale are almost certainly wrong. */
    static final int MAX_SIDE = 200_000;

    /** Mean input pixel scale, auto-rotation. */
    public static WcsGrid compute(List<WcsGrid> footprints) {
        return compute(footprints, Double.NaN, true);
    }

    /** Given pixel scale in degrees (NaN: mean input scale), auto-rotation. */
    public static WcsGrid compute(List<WcsGrid> footprints, double scaleDeg) {
        return compute(footprints, scaleDeg, true);
    }

    /**
     * @param scaleDeg   output pixel scale in degrees per pixel, NaN for the mean input scale
     * @param autoRotate false for a north-up grid (no rotation)
     * @throws IllegalArgumentException for no footprints, a bad scale, or inputs that no single TAN
     *                                  grid can hold (spread over a hemisphere, or a grid side over {@value #MAX_SIDE})
     */
    public static WcsGrid compute(List<WcsGrid> footprints, double scaleDeg, boolean autoRotate) {
        Box b = box(footprints, scaleDeg, autoRotate);
        double w = b.width(), h = b.height(), s = b.scaleDeg(), rho = b.rho();
        if (w > MAX_SIDE || h > MAX_SIDE)
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "final grid would be %.0f x %.0f px at %.3f\"/px: check the inputs' WCS or the scale", w, h, s * 3600));
        int width = Math.max(1, (int) w), height = Math.max(1, (int) h);
        double c = CelestialRotation.cosd(rho), sn = CelestialRotation.sind(rho);
        // CD of a north-up, east-left grid rotated by ρ (CROTA2 convention): pixel offsets are (X, Y) rotated by ρ.
        FitsWcs out = new FitsWcs(Projections.TAN, 0.5 - b.umin(), 0.5 - b.vmin(), b.ra(), b.dec(),
                -s * c, -s * sn, -s * sn, s * c);
        LOG.info(String.format(Locale.ROOT, "[P4] final grid %d x %d px, centre (%.6f, %.6f), %.4f\"/px, rotation %.3f deg, from %d footprints",
                width, height, b.ra(), b.dec(), s * 3600, rho, footprints.size()));
        return new WcsGrid(out, width, height);
    }

    /**
     * The shape {width, height} in pixels that {@link #compute(List)} would give the footprints
     * (mean scale, auto-rotation), even beyond {@value #MAX_SIDE}; nothing is logged. Null when no
     * TAN grid can hold them (spread over a hemisphere). For messages about a grid never made.
     */
    public static double[] shape(List<WcsGrid> footprints) {
        try {
            Box b = box(footprints, Double.NaN, true);
            return new double[] {Math.max(1, b.width()), Math.max(1, b.height())};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The bounding box of the footprints on the rotated TAN plane at their centroid, before any size check. */
    private record Box(double ra, double dec, double scaleDeg, double rho, double umin, double vmin, double width, double height) {}

    private static Box box(List<WcsGrid> footprints, double scaleDeg, boolean autoRotate) {
        if (footprints == null || footprints.isEmpty()) throw new IllegalArgumentException("no footprints for the final grid");
        double s = Double.isNaN(scaleDeg) ? meanScaleDeg(footprints) : scaleDeg;
        if (!(s > 0) || !Double.isFinite(s)) throw new IllegalArgumentException("invalid output pixel scale " + s + " deg");

        // Reference point: normalised sum of the footprint centres' unit vectors.
        double sx = 0, sy = 0, sz = 0;
        List<double[]> world = new ArrayList<>();
        for (WcsGrid g : footprints) {
            double[] c = g.centre();
            if (Double.isNaN(c[0]) || Double.isNaN(c[1]))
                throw new IllegalArgumentException("footprint centre cannot be mapped to the sky: " + g.wcs());
            double[] u = SkyMath.unit(c[0], c[1]);
            sx += u[0];
            sy += u[1];
            sz += u[2];
            double[][] b = Footprints.borderWorld(g);
            if (b.length < 3) throw new IllegalArgumentException("footprint border cannot be mapped to the sky: " + g.wcs());
            world.addAll(Arrays.asList(b));
        }
        double norm = Math.sqrt(sx * sx + sy * sy + sz * sz);
        if (norm < 1e-6 * footprints.size())
            throw new IllegalArgumentException("footprints are spread all over the sky: no centroid for one TAN grid");
        double[] ref = new double[2];
        SkyMath.toRaDec(sx, sy, sz, ref);

        // Unrotated pixel offsets X = −ξ/s, Y = η/s on the TAN plane at the reference point.
        FitsWcs plane = new FitsWcs(Projections.TAN, 1, 1, ref[0], ref[1], -s, 0, 0, s);
        int n = world.size();
        double[] xs = new double[n], ys = new double[n], p = new double[2];
        for (int i = 0; i < n; i++) {
            double[] w = world.get(i);
            if (SkyMath.separationDeg(ref[0], ref[1], w[0], w[1]) >= 89)
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "footprints reach %.1f deg from their centroid (%.4f, %.4f): too wide for one TAN grid",
                        SkyMath.separationDeg(ref[0], ref[1], w[0], w[1]), ref[0], ref[1]));
            plane.worldToPixel(w[0], w[1], p);
            xs[i] = p[0];
            ys[i] = p[1];
        }

        double rho = autoRotate ? bestRotation(xs, ys) : 0;
        double c = CelestialRotation.cosd(rho), sn = CelestialRotation.sind(rho);
        double umin = Double.POSITIVE_INFINITY, umax = Double.NEGATIVE_INFINITY;
        double vmin = Double.POSITIVE_INFINITY, vmax = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double u = c * xs[i] - sn * ys[i], v = sn * xs[i] + c * ys[i];
            umin = Math.min(umin, u);
            umax = Math.max(umax, u);
            vmin = Math.min(vmin, v);
            vmax = Math.max(vmax, v);
        }
        double w = Math.ceil(umax - umin - 1e-9), h = Math.ceil(vmax - vmin - 1e-9);
        return new Box(ref[0], ref[1], s, rho, umin, vmin, w, h);
    }

    /** Mean of the inputs' {@link Wcs#pixelScaleDeg()}. */
    public static double meanScaleDeg(List<WcsGrid> footprints) {
        double sum = 0;
        for (WcsGrid g : footprints) sum += g.wcs().pixelScaleDeg();
        return sum / footprints.size();
    }

    /** Median of the inputs' {@link Wcs#pixelScaleDeg()} (Grid mode's choice). */
    public static double medianScaleDeg(List<WcsGrid> footprints) {
        double[] v = footprints.stream().mapToDouble(g -> g.wcs().pixelScaleDeg()).sorted().toArray();
        int m = v.length / 2;
        return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }

    /** Rotation in (−45°, 45°] minimising the bounding-box area of the points (X, Y) rotated by it. */
    static double bestRotation(double[] xs, double[] ys) {
        List<Double> candidates = new ArrayList<>();
        for (int k = -44; k <= 45; k++) candidates.add((double) k);
        double[][] hull = convexHull(xs, ys);
        for (int i = 0; i < hull.length; i++) {
            double[] a = hull[i], b = hull[(i + 1) % hull.length];
            double beta = Math.atan2(b[1] - a[1], b[0] - a[0]) * R2D;
            candidates.add(fold(-beta));
        }
        double best = 0, bestArea = area(xs, ys, 0);
        for (double r : candidates) {
            double a = area(xs, ys, r);
            if (a < bestArea * (1 - 1e-9) || (a <= bestArea * (1 + 1e-9) && Math.abs(r) < Math.abs(best))) {
                if (a < bestArea) bestArea = a;
                best = r;
            }
        }
        return best;
    }

    /** An angle folded into (−45°, 45°]: the bounding box repeats every 90°. */
    static double fold(double deg) {
        double r = deg % 90;
        if (r > 45) r -= 90;
        if (r <= -45) r += 90;
        return r;
    }

    static double area(double[] xs, double[] ys, double rhoDeg) {
        double c = Math.cos(rhoDeg * D2R), s = Math.sin(rhoDeg * D2R);
        double umin = Double.POSITIVE_INFINITY, umax = Double.NEGATIVE_INFINITY;
        double vmin = Double.POSITIVE_INFINITY, vmax = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < xs.length; i++) {
            double u = c * xs[i] - s * ys[i], v = s * xs[i] + c * ys[i];
            if (u < umin) umin = u;
            if (u > umax) umax = u;
            if (v < vmin) vmin = v;
            if (v > vmax) vmax = v;
        }
        return (umax - umin) * (vmax - vmin);
    }

    /** Andrew's monotone chain; counter-clockwise, no collinear points. */
    static double[][] convexHull(double[] xs, double[] ys) {
        int n = xs.length;
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        Arrays.sort(idx, (a, b) -> xs[a] != xs[b] ? Double.compare(xs[a], xs[b]) : Double.compare(ys[a], ys[b]));
        double[][] h = new double[2 * n + 1][];
        int k = 0;
        for (int t = 0; t < n; t++) {
            double[] pt = {xs[idx[t]], ys[idx[t]]};
            while (k >= 2 && turn(h[k - 2], h[k - 1], pt) <= 0) k--;
            h[k++] = pt;
        }
        for (int t = n - 2, lower = k + 1; t >= 0; t--) {
            double[] pt = {xs[idx[t]], ys[idx[t]]};
            while (k >= lower && turn(h[k - 2], h[k - 1], pt) <= 0) k--;
            h[k++] = pt;
        }
        return Arrays.copyOf(h, Math.max(0, k - 1));
    }

    private static double turn(double[] o, double[] a, double[] b) {
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
    }
}
