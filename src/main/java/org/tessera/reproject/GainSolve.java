package org.tessera.reproject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.tessera.math.Percentiles;

/**
 * Per-tile gains from the gain ratios measured in the overlaps, solved so that their error cannot
 * grow along chains of tiles:
 * <ul>
 * <li>in log space: log g_i − log g_j = log(ratio), weighted by 1/σ² of each pair's estimate. The
 * linear form g_i − a·g_j = 0 it replaces has the trivial solution g = 0, toward which a least
 * squares solve shrinks every tile far from its anchor (200 tiles of true gain 1 came out at
 * 0.75–1.13); in log space the equations are those of a weighted graph Laplacian, unbiased, and
 * a ratio measured twice as well counts four times as much;</li>
 * <li>over the whole overlap graph at once, with robust (Huber) reweighting of pairs whose ratio
 * disagrees with the rest;</li>
 * <li>anchored on the median tile of each connected group (the group's median gain is 1), not on
 * one tile whose own noise would shift every other;</li>
 * <li>kept at 1 unless the data prove otherwise: a group's gains are applied only when they
 * explain the ratios significantly better than equal gains do (χ² drop above its degrees of
 * freedom by {@code z}·√(2·dof)); the test widens the σ of a group whose ratios scatter more
 * than their σ say (Birge ratio, from the median residual).</li>
 * </ul>
 */
final class GainSolve {

    /** A measured ratio: tile i's values ≈ exp(logRatio) × tile j's … in gains, log g_i − log g_j = logRatio. */
    record Ratio(int i, int j, double logRatio, double sigma) {}

    /**
     * Gains per tile (1 for tiles no ratio reaches), and how the decision went.
     *
     * @param significantGroups connected groups whose gains passed the χ² test
     * @param groups            connected groups with at least one ratio
     * @param keptTiles         tiles of the proven groups (whose gains are applied)
     * @param birge             largest factor by which a group's σ were widened (1: as measured)
     */
    record Result(double[] gains, int groups, int significantGroups, int keptTiles, double birge) {}

    /** Median of the χ² distribution with one degree of freedom. */
    private static final double MEDIAN_CHI2_1 = 0.4549364;

    /** Huber threshold, in σ, of the robust reweighting of pairs. */
    static final double HUBER = 2.5;

    /** Reweightings with Huber's weights before Tukey's take over. */
    static final int HUBER_ITERATIONS = 20;

    /** Tukey biweight threshold, in σ, of the later reweighting. */
    static final double TUKEY = 4.685;

    private GainSolve() {}

    /**
     * @param n      tiles
     * @param ratios measured ratios; those with a non-finite or non-positive σ are ignored
     * @param z      significance, in σ of the χ² test, gains must reach to leave 1 (0: always applied)
     */
    static Result solve(int n, List<Ratio> ratios, double z) {
        List<Ratio> use = new ArrayList<>();
        for (Ratio r : ratios)
            if (r.sigma() > 0 && Double.isFinite(r.sigma()) && Double.isFinite(r.logRatio()) && r.i() != r.j()) use.add(r);
        double[] l = new double[n];
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) parent[i] = i;
        double[] info = new double[n];
        for (Ratio r : use) {
            union(parent, r.i(), r.j());
            double w = 1 / (r.sigma() * r.sigma());
            info[r.i()] += w;
            info[r.j()] += w;
        }
        // Anchor of the solve: the best-measured tile of each group (any tile would do: the
        // result is re-anchored on the group's median below; this one keeps CG well conditioned).
        int[] anchor = new int[n];
        Arrays.fill(anchor, -1);
        for (int i = 0; i < n; i++) {
            if (info[i] == 0) continue;
            int g = find(parent, i);
            if (anchor[g] < 0 || info[i] > info[anchor[g]]) anchor[g] = i;
        }
        double[] robust = new double[use.size()];
        Arrays.fill(robust, 1);
        for (int iter = 0; iter < 40; iter++) {
            SparseLeastSquares ls = new SparseLeastSquares(n);
            for (int k = 0; k < use.size(); k++) {
                Ratio r = use.get(k);
                ls.add(r.i(), 1, r.j(), -1, r.logRatio(), robust[k] / (r.sigma() * r.sigma()));
            }
            for (int a : anchor) if (a >= 0) ls.fix(a, 0);
            l = ls.solve(0);
            boolean changed = false;
            for (int k = 0; k < use.size(); k++) {
                Ratio r = use.get(k);
                double t = Math.abs(r.logRatio() - (l[r.i()] - l[r.j()])) / r.sigma();
                // Huber first (convex: finds the basin), then Tukey's biweight, which gives a
                // wild pair no weight at all instead of a reduced one.
                double u = t / TUKEY;
                double w = iter < HUBER_ITERATIONS ? (t <= HUBER ? 1 : HUBER / t) : (u < 1 ? (1 - u * u) * (1 - u * u) : 0);
                if (Math.abs(w - robust[k]) > 1e-3) changed = true;
                robust[k] = w;
            }
            if (!changed && iter >= HUBER_ITERATIONS) break;
        }
        for (int i = 0; i < n; i++) if (!Double.isFinite(l[i]) || info[i] == 0) l[i] = 0;
        // Per group: median anchoring, then the χ² test of "these gains" against "all gains equal".
        int groups = 0, significant = 0, kept = 0;
        double maxScale2 = 1;
        for (int root = 0; root < n; root++) {
            if (anchor[root] < 0) continue;
            groups++;
            int size = 0;
            for (int i = 0; i < n; i++) if (info[i] > 0 && find(parent, i) == root) size++;
            double[] member = new double[size];
            int q = 0;
            for (int i = 0; i < n; i++) if (info[i] > 0 && find(parent, i) == root) member[q++] = l[i];
            double med = Percentiles.median(member);
            for (int i = 0; i < n; i++) if (info[i] > 0 && find(parent, i) == root) l[i] -= med;
            // Birge ratio: where the ratios scatter more about the fit than their σ say, every σ
            // of the group is widened by that factor (never narrowed), from the median normalised
            // residual so that a few wild pairs do not set it.
            List<Double> z2 = new ArrayList<>();
            for (int k = 0; k < use.size(); k++) {
                Ratio r = use.get(k);
                if (find(parent, r.i()) != root) continue;
                double res = (r.logRatio() - (l[r.i()] - l[r.j()])) / r.sigma();
                z2.add(res * res);
            }
            int m = z2.size(), dof = size - 1;
            double scale2 = 1;
            if (m > dof + 2) {
                double medZ2 = Percentiles.median(z2.stream().mapToDouble(Double::doubleValue).toArray());
                scale2 = Math.max(1, medZ2 / MEDIAN_CHI2_1 * m / (m - dof));
            }
            maxScale2 = Math.max(maxScale2, scale2);
            double chiNull = 0, chiFit = 0;
            for (int k = 0; k < use.size(); k++) {
                Ratio r = use.get(k);
                if (find(parent, r.i()) != root) continue;
                double w = robust[k] / (r.sigma() * r.sigma() * scale2), res = r.logRatio() - (l[r.i()] - l[r.j()]);
                chiNull += w * r.logRatio() * r.logRatio();
                chiFit += w * res * res;
            }
            boolean proven = z <= 0 || chiNull - chiFit > dof + z * Math.sqrt(2.0 * dof);
            if (proven) significant++;
            for (int i = 0; i < n; i++) {
                if (info[i] == 0 || find(parent, i) != root) continue;
                // No per-tile test on top: once the group's gains are proven, snapping the tiles
                // near the median to 1 would only bias them by up to z times their error.
                boolean keep = proven;
                if (keep) kept++;
                else l[i] = 0;
            }
        }
        double[] g = new double[n];
        for (int i = 0; i < n; i++) g[i] = Math.exp(l[i]);
        return new Result(g, groups, significant, kept, Math.sqrt(maxScale2));
    }

    private static int find(int[] p, int i) {
        while (p[i] != i) {
            p[i] = p[p[i]];
            i = p[i];
        }
        return i;
    }

    private static void union(int[] p, int a, int b) {
        int ra = find(p, a), rb = find(p, b);
        if (ra != rb) p[ra] = rb;
    }
}
