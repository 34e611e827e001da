package org.tessera.register;

import java.util.Arrays;
import java.util.List;

import org.tessera.detect.Star;

/**
 * Pairs of stars under a candidate transform: each moving star, mapped onto the reference, is paired
 * with the nearest reference star within a tolerance, and each reference star with at most one
 * moving star (the closest). A uniform grid over the reference stars makes every query O(1).
 */
final class StarPairs {

    private final double[] rx, ry;
    private final int n;
    private final double cell;
    private final double x0, y0;
    private final int gw, gh;
    private final int[] head, next;

    /** Indexes the first {@code n} reference stars for queries with tolerances up to {@code cell}. */
    StarPairs(List<Star> ref, int n, double cell) {
        this.n = Math.min(n, ref.size());
        this.cell = cell;
        rx = new double[this.n];
        ry = new double[this.n];
        double minX = Double.POSITIVE_INFINITY, minY = Double.POSITIVE_INFINITY, maxX = Double.NEGATIVE_INFINITY, maxY = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < this.n; i++) {
            rx[i] = ref.get(i).x();
            ry[i] = ref.get(i).y();
            minX = Math.min(minX, rx[i]); maxX = Math.max(maxX, rx[i]);
            minY = Math.min(minY, ry[i]); maxY = Math.max(maxY, ry[i]);
        }
        if (this.n == 0) { minX = minY = 0; maxX = maxY = 1; }
        x0 = minX;
        y0 = minY;
        gw = (int) Math.min(4096, (maxX - minX) / cell + 1);
        gh = (int) Math.min(4096, (maxY - minY) / cell + 1);
        head = new int[gw * gh];
        Arrays.fill(head, -1);
        next = new int[this.n];
        for (int i = 0; i < this.n; i++) {
            int k = cellOf(rx[i], ry[i]);
            next[i] = head[k];
            head[k] = i;
        }
    }

    private int cellOf(double x, double y) {
        int gx = (int) Math.max(0, Math.min(gw - 1, Math.floor((x - x0) / cell)));
        int gy = (int) Math.max(0, Math.min(gh - 1, Math.floor((y - y0) / cell)));
        return gy * gw + gx;
    }

    double x(int i) { return rx[i]; }
    double y(int i) { return ry[i]; }

    /** Index of the nearest indexed reference star to (x, y) within tol (≤ cell), or −1. */
    int nearest(double x, double y, double tol) {
        if (!(x >= x0 - tol && x <= x0 + gw * cell + tol && y >= y0 - tol && y <= y0 + gh * cell + tol)) return -1;
        int gx = (int) Math.floor((x - x0) / cell), gy = (int) Math.floor((y - y0) / cell);
        int best = -1;
        double bd = tol * tol;
        for (int j = Math.max(0, gy - 1); j <= Math.min(gh - 1, gy + 1); j++)
            for (int i = Math.max(0, gx - 1); i <= Math.min(gw - 1, gx + 1); i++)
                for (int s = head[j * gw + i]; s >= 0; s = next[s]) {
                    double dx = rx[s] - x, dy = ry[s] - y, d = dx * dx + dy * dy;
                    if (d <= bd) { bd = d; best = s; }
                }
        return best;
    }

    /** Number of the moving stars (first m) that land within tol of some indexed reference star. */
    int count(Affine t, List<Star> moving, int m, double tol) {
        int c = 0;
        double[] p = new double[2];
        for (int i = 0; i < Math.min(m, moving.size()); i++) {
            Star s = moving.get(i);
            t.apply(s.x(), s.y(), p);
            if (nearest(p[0], p[1], tol) >= 0) c++;
        }
        return c;
    }

    /**
     * One-to-one pairs under t within tol: {@code out[i]} = reference index of moving star i, or −1.
     * A reference star claimed by several moving stars keeps the closest.
     */
    int[] pair(Affine t, List<Star> moving, int m, double tol) {
        m = Math.min(m, moving.size());
        int[] out = new int[m];
        double[] dist = new double[m];
        int[] owner = new int[n];
        Arrays.fill(owner, -1);
        double[] p = new double[2];
        for (int i = 0; i < m; i++) {
            Star s = moving.get(i);
            t.apply(s.x(), s.y(), p);
            int r = nearest(p[0], p[1], tol);
            out[i] = r;
            if (r < 0) continue;
            double dx = rx[r] - p[0], dy = ry[r] - p[1];
            dist[i] = dx * dx + dy * dy;
            int o = owner[r];
            if (o < 0) owner[r] = i;
            else if (dist[i] < dist[o]) { out[o] = -1; owner[r] = i; }
            else out[i] = -1;
        }
        return out;
    }
}
