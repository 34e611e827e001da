package org.tessera.register;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.tessera.detect.Star;

/**
 * Asterism matching as astroalign does it: each of the brightest stars and its nearest neighbours
 * form triangles; a triangle's invariants (L2/L1, L3/L2 of its sorted sides) do not change under
 * shift, rotation and scale, so triangles of the two lists with close invariants are candidate
 * correspondences. Each candidate gives a similarity from its three vertex pairs; the candidate
 * whose similarity brings the most stars of the moving list onto reference stars wins (an
 * exhaustive, hence deterministic, RANSAC over all candidates).
 */
final class TriangleMatcher {
    private TriangleMatcher() {}

    /** Neighbours per star that form its triangles (with the star itself: C(5, 3) = 10 triangles). */
    static final int NEIGHBOURS = 4;
    /** Matching radius in invariant space. */
    static final double INV_RADIUS = 0.015;
    /** Triangles with a longest side below this (pixels) give too poor a rotation and scale. */
    static final double MIN_SIDE = 12;

    /** The winning similarity and the number of stars it pairs (0 and null when nothing matched). */
    record Best(Affine transform, int votes, int candidates) {}

    /** A triangle: vertex indices ordered as opposite the longest, middle, shortest side; invariants. */
    private record Tri(int v0, int v1, int v2, double i1, double i2) {}

    static Best match(List<Star> ref, List<Star> mov, int nStars, double tol, double minScale, double maxScale,
                      StarPairs index) {
        List<Tri> rt = triangles(ref, nStars), mt = triangles(mov, nStars);
        if (rt.isEmpty() || mt.isEmpty()) return new Best(null, 0, 0);
        // bucket the reference triangles on their invariants
        int g = (int) Math.ceil(1 / INV_RADIUS) + 1;
        @SuppressWarnings("unchecked") List<Tri>[] grid = new List[g * g];
        for (Tri t : rt) {
            int k = bucket(t.i1, g) * g + bucket(t.i2, g);
            if (grid[k] == null) grid[k] = new ArrayList<>();
            grid[k].add(t);
        }
        double[] mx = new double[3], my = new double[3], rx = new double[3], ry = new double[3];
        Affine best = null;
        int bestVotes = 0, candidates = 0;
        double bestRes = Double.POSITIVE_INFINITY;
        double r2 = INV_RADIUS * INV_RADIUS;
        for (Tri m : mt) {
            int b1 = bucket(m.i1, g), b2 = bucket(m.i2, g);
            for (int u = Math.max(0, b1 - 1); u <= Math.min(g - 1, b1 + 1); u++)
                for (int v = Math.max(0, b2 - 1); v <= Math.min(g - 1, b2 + 1); v++) {
                    List<Tri> cell = grid[u * g + v];
                    if (cell == null) continue;
                    for (Tri r : cell) {
                        double d1 = r.i1 - m.i1, d2 = r.i2 - m.i2;
                        if (d1 * d1 + d2 * d2 > r2) continue;
                        fill(mov, m, mx, my);
                        fill(ref, r, rx, ry);
                        Affine s = TransformFit.similarity(mx, my, rx, ry, 3);
                        if (s == null) continue;
                        double sc = s.scale();
                        if (sc < minScale || sc > maxScale) continue;
                        double res = residual(s, mx, my, rx, ry);
                        if (res > tol) continue;
                        candidates++;
                        int votes = index.count(s, mov, nStars, tol);
                        if (votes > bestVotes || votes == bestVotes && res < bestRes) {
                            best = s;
                            bestVotes = votes;
                            bestRes = res;
                        }
                    }
                }
        }
        return new Best(best, bestVotes, candidates);
    }

    private static int bucket(double v, int g) {
        return (int) Math.max(0, Math.min(g - 1, Math.floor(v / INV_RADIUS)));
    }

    private static void fill(List<Star> s, Tri t, double[] x, double[] y) {
        x[0] = s.get(t.v0).x(); y[0] = s.get(t.v0).y();
        x[1] = s.get(t.v1).x(); y[1] = s.get(t.v1).y();
        x[2] = s.get(t.v2).x(); y[2] = s.get(t.v2).y();
    }

    private static double residual(Affine t, double[] mx, double[] my, double[] rx, double[] ry) {
        double worst = 0;
        double[] p = new double[2];
        for (int i = 0; i < 3; i++) {
            t.apply(mx[i], my[i], p);
            worst = Math.max(worst, Math.hypot(p[0] - rx[i], p[1] - ry[i]));
        }
        return worst;
    }

    /** Triangles of the first n stars: each star with its NEIGHBOURS nearest, all combinations, once. */
    private static List<Tri> triangles(List<Star> stars, int n) {
        n = Math.min(n, stars.size());
        List<Tri> out = new ArrayList<>();
        if (n < 3) return out;
        Set<Long> seen = new HashSet<>();
        int k = Math.min(NEIGHBOURS, n - 1);
        double[] d = new double[n];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            Star s = stars.get(i);
            for (int j = 0; j < n; j++) {
                double dx = stars.get(j).x() - s.x(), dy = stars.get(j).y() - s.y();
                d[j] = dx * dx + dy * dy;
                order[j] = j;
            }
            Arrays.sort(order, (a, b) -> d[a] != d[b] ? Double.compare(d[a], d[b]) : Integer.compare(a, b));
            int[] pts = new int[k + 1];
            for (int j = 0; j <= k; j++) pts[j] = order[j]; // order[0] is the star itself
            for (int a = 0; a < pts.length; a++)
                for (int b = a + 1; b < pts.length; b++)
                    for (int c = b + 1; c < pts.length; c++) {
                        int[] v = {pts[a], pts[b], pts[c]};
                        Arrays.sort(v);
                        long key = ((long) v[0] << 42) | ((long) v[1] << 21) | v[2];
                        if (!seen.add(key)) continue;
                        Tri t = triangle(stars, v[0], v[1], v[2]);
                        if (t != null) out.add(t);
                    }
        }
        return out;
    }

    private static Tri triangle(List<Star> s, int a, int b, int c) {
        // side opposite each vertex
        double la = dist(s, b, c), lb = dist(s, a, c), lc = dist(s, a, b);
        int[] v = {a, b, c};
        double[] l = {la, lb, lc};
        // sort vertices by their opposite side, longest first
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2 - i; j++)
                if (l[j] < l[j + 1]) {
                    double t = l[j]; l[j] = l[j + 1]; l[j + 1] = t;
                    int u = v[j]; v[j] = v[j + 1]; v[j + 1] = u;
                }
        if (l[0] < MIN_SIDE || l[2] < 0.05 * l[0]) return null;
        return new Tri(v[0], v[1], v[2], l[1] / l[0], l[2] / l[1]);
    }

    private static double dist(List<Star> s, int i, int j) {
        return Math.hypot(s.get(i).x() - s.get(j).x(), s.get(i).y() - s.get(j).y());
    }
}
