package org.tessera.tiles;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

import org.tessera.config.Config;
import org.tessera.math.Percentiles;
import org.tessera.io.Frame;
import org.tessera.io.MountMode;

/**
 * Phase 2: frames → groups, one group per future master tile (reference §2).
 * <ol>
 * <li>Each frame's sky centre is its WCS at pixel ((w-1)/2, (h-1)/2).</li>
 * <li>Frames whose centres are within {@code cluster_panel_threshold} degrees (0.05 when ≤ 0) are
 * linked, but only frames of the same mount mode (EQ, ALT_AZ, UNKNOWN are never mixed); groups are
 * the connected components, ordered by their first frame, frames in input order.</li>
 * <li>Auto-relax: with N &gt; 2 frames and groups ≥ max(3, ⌊0.9·N⌋), the threshold becomes
 * clamp(max(thr, 1.2·P90 of nearest-neighbour separations), 0.01, 1.0) and the frames are
 * regrouped (when that is larger).</li>
 * <li>{@code cluster_target_groups} &gt; 0: the threshold is searched (bracket, then 14 bisection
 * steps) for that many groups, starting from the threshold in use.</li>
 * <li>Group size cap: {@code max_raw_per_master_tile} (&gt; 0) when set; else, when
 * {@code auto_limit_frames_per_master_tile}, the fixed {@value #AUTO_CAP_MAX}. A larger group is cut
 * in input order into consecutive sub-groups. The original derived the automatic cap from the RAM
 * budget; Tessera does not, because which frames share a tile is science and must not change with
 * the heap (the stack core streams any number of frames by bands or frame blocks, so memory only
 * changes band sizes and worker counts, never the groups).</li>
 * </ol>
 */
public final class Grouping {
    private Grouping() {}

    private static final Logger LOG = Logger.getLogger("org.tessera.tiles");

    /** Threshold used when {@code cluster_panel_threshold} ≤ 0. */
    public static final double FALLBACK_THRESHOLD_DEG = 0.05;
    /** Upper bound of the automatic cap when no manual cap is set. */
    public static final int AUTO_CAP_MAX = 100;
    static final int TARGET_BISECT_STEPS = 14;

    /** What grouping needs: settings only, never the heap or the worker count (see the class comment). */
    public record Params(double thresholdDeg, int targetGroups, int manualCap, boolean autoCap, double orientationSplitDeg) {

        /** Without the orientation split (0 = off, the original's default). */
        public Params(double thresholdDeg, int targetGroups, int manualCap, boolean autoCap) {
            this(thresholdDeg, targetGroups, manualCap, autoCap, 0);
        }

        public static Params fromConfig(Config c) {
            return new Params(c.getDouble("cluster_panel_threshold"), c.getInt("cluster_target_groups"),
                    c.getInt("max_raw_per_master_tile"), c.getBoolean("auto_limit_frames_per_master_tile"),
                    c.has("cluster_orientation_split_deg") ? c.getDouble("cluster_orientation_split_deg") : 0);
        }

        /** The threshold actually used first: the configured one, or 0.05 when ≤ 0 or not a number. */
        public double effectiveThreshold() {
            return thresholdDeg > 0 ? thresholdDeg : FALLBACK_THRESHOLD_DEG;
        }
    }

    /**
     * The groups, the threshold that made them, the cap applied (0 = none), the frames set aside
     * (with the reason) and the per-frame mount counts of the eqmode summary.
     */
    public record Result(List<FrameGroup> groups, double thresholdDeg, int cap, List<String> skipped,
                         int eqCount, int altazCount, int unknownCount) {}

    public static Result group(List<? extends Frame> input, Params p) {
        List<Frame> frames = new ArrayList<>();
        List<double[]> units = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Frame f : input) {
            if (f.wcs() == null) { skip(skipped, f, "no celestial WCS"); continue; }
            double[] c = SkyMath.centre(f.wcs(), f.width(), f.height());
            if (!Double.isFinite(c[0]) || !Double.isFinite(c[1])) { skip(skipped, f, "WCS gives no sky position for the frame centre"); continue; }
            frames.add(f);
            units.add(SkyMath.unit(c[0], c[1]));
        }
        int n = frames.size();
        MountMode[] modes = new MountMode[n];
        int eq = 0, altaz = 0, unknown = 0;
        for (int i = 0; i < n; i++) {
            modes[i] = MountInference.ofFrame(frames.get(i));
            switch (modes[i]) {
                case EQ -> eq++;
                case ALT_AZ -> altaz++;
                default -> unknown++;
            }
        }
        LOG.info(String.format(Locale.ROOT, "[P2] eqmode_summary: eq_count=%d altaz_count=%d unknown_count=%d",
                eq, altaz, unknown));
        if (n == 0) return new Result(List.of(), p.effectiveThreshold(), 0, skipped, 0, 0, 0);

        Clusterer cl = new Clusterer(units.toArray(new double[0][]), modes);
        double thr = p.effectiveThreshold();
        List<int[]> comps = cl.cluster(thr);
        if (n >= 2 && LOG.isLoggable(java.util.logging.Level.FINE)) {
            double[] nn = cl.nearestNeighbourSeparations();
            LOG.fine(String.format(Locale.ROOT, "[P2] cluster NN stats (deg): P10=%.4f P50=%.4f P90=%.4f",
                    Percentiles.percentile(nn, 10), Percentiles.percentile(nn, 50), Percentiles.percentile(nn, 90)));
        }

        // Auto-relax: nearly one group per frame means the threshold is below the dither scale.
        if (n > 2 && comps.size() >= Math.max(3, (int) (0.9 * n))) {
            double p90 = Percentiles.percentile(cl.nearestNeighbourSeparations(), 90);
            double cand = Math.min(Math.max(Math.max(thr, 1.2 * p90), 0.01), 1.0);
            if (cand > thr) {
                int before = comps.size();
                comps = cl.cluster(cand);
                LOG.info(String.format(Locale.ROOT,
                        "[P2] cluster auto-relax: threshold %.4f deg gave %d groups for %d frames -> %.4f deg (1.2 x P90 NN = %.4f): %d groups",
                        thr, before, n, cand, 1.2 * p90, comps.size()));
                thr = cand;
            }
        }

        if (p.targetGroups() > 0 && comps.size() != p.targetGroups()) {
            // Searched from the threshold in use (after any auto-relax); the original restarted from the
            // configured one while counting the relaxed groups, which could search the wrong way.
            double[] found = searchTarget(cl, thr, comps.size(), p.targetGroups());
            thr = found[0];
            comps = cl.cluster(thr);
            LOG.info(String.format(Locale.ROOT, "[P2] cluster target: threshold -> %.4f deg for %d groups (target %d)",
                    thr, comps.size(), p.targetGroups()));
        }

        comps = splitSpread(frames, units, modes, comps, thr);
        comps = OrientationSplit.split(frames, comps, p.orientationSplitDeg());

        int cap = cap(p);
        List<FrameGroup> groups = new ArrayList<>();
        for (int[] comp : comps) {
            int step = cap > 0 ? cap : comp.length;
            for (int s = 0; s < comp.length; s += step) {
                List<Frame> g = new ArrayList<>();
                for (int k = s; k < Math.min(comp.length, s + step); k++) g.add(frames.get(comp[k]));
                groups.add(FrameGroup.of(groups.size(), g));
            }
        }
        if (groups.size() != comps.size())
            LOG.info(String.format(Locale.ROOT, "[P2] %d group(s) split in order into %d (cap %d frames per master tile)",
                    comps.size(), groups.size(), cap));
        LOG.info(String.format(Locale.ROOT, "[P2] %d frame(s) -> %d group(s), threshold %.4f deg, cap %s",
                n, groups.size(), thr, cap > 0 ? Integer.toString(cap) : "none"));
        return new Result(List.copyOf(groups), thr, cap, List.copyOf(skipped), eq, altaz, unknown);
    }

    /**
     * Splits each group whose frames spread over more than {@link TileGeometry#MAX_SPREAD_AREAS}
     * reference-frame areas (far-apart pointings that auto-relax or a target count joined): its
     * frames are clustered again at half the threshold until every part fits, so that a master
     * tile's grid can hold all its frames without a huge, mostly empty canvas.
     */
    static List<int[]> splitSpread(List<Frame> frames, List<double[]> units, MountMode[] modes, List<int[]> comps,
                                   double thr) {
        List<int[]> out = new ArrayList<>();
        for (int[] comp : comps) split(frames, units, modes, comp, thr, out);
        out.sort(Comparator.comparingInt(c -> c[0])); // groups stay ordered by their first frame
        return out;
    }

    private static void split(List<Frame> frames, List<double[]> units, MountMode[] modes, int[] comp, double thr,
                              List<int[]> out) {
        if (comp.length < 2) { out.add(comp); return; }
        List<Frame> members = new ArrayList<>();
        for (int k : comp) members.add(frames.get(k));
        double areas = TileGeometry.spreadAreas(members);
        if (areas <= TileGeometry.MAX_SPREAD_AREAS) { out.add(comp); return; }
        double[][] u = new double[comp.length][];
        MountMode[] m = new MountMode[comp.length];
        for (int k = 0; k < comp.length; k++) { u[k] = units.get(comp[k]); m[k] = modes[comp[k]]; }
        Clusterer sub = new Clusterer(u, m);
        double t = thr / 2;
        List<int[]> parts = sub.cluster(t);
        while (parts.size() < 2 && t > 1e-7) parts = sub.cluster(t /= 2);
        if (parts.size() < 2) { // identical centres: nothing to split on
            out.add(comp);
            return;
        }
        LOG.info(String.format(Locale.ROOT,
                "[P2] group of %d frame(s) spans %.1f frame areas (> %.0f): split at threshold %.4f deg into %d",
                comp.length, areas, TileGeometry.MAX_SPREAD_AREAS, t, parts.size()));
        for (int[] part : parts) {
            int[] idx = new int[part.length];
            for (int k = 0; k < part.length; k++) idx[k] = comp[part[k]];
            split(frames, units, modes, idx, t, out);
        }
    }

    private static void skip(List<String> skipped, Frame f, String why) {
        String msg = f.name() + ": " + why + " (set aside, not grouped)";
        skipped.add(msg);
        LOG.warning("[P2] " + msg);
    }

    /** The frames-per-tile cap (0 = none), see the class comment. */
    static int cap(Params p) {
        int manual = Math.max(0, p.manualCap());
        if (manual > 0) return manual;
        return p.autoCap() ? AUTO_CAP_MAX : 0;
    }

    /**
     * The original's target search: bracket the target from the configured threshold, then 14
     * bisection steps keeping the best side. Returns {threshold, groups}.
     */
    static double[] searchTarget(Clusterer cl, double thrStart, int countNow, int target) {
        double best;
        if (countNow > target) { // too many groups: raise the threshold
            double lo = thrStart;
            double hi = Math.min(Math.max(Math.max(cl.maxPairSeparation(), lo * 2), 0.05), 5.0);
            int cntHi = cl.count(hi);
            for (int it = 0; cntHi > target && hi < 5.0 && it < 8; it++) {
                hi = Math.min(hi * 1.5 + 1e-6, 5.0);
                cntHi = cl.count(hi);
            }
            best = hi;
            for (int s = 0; s < TARGET_BISECT_STEPS; s++) {
                double mid = 0.5 * (lo + hi);
                if (cl.count(mid) > target) lo = mid;
                else { hi = mid; best = mid; }
            }
        } else { // too few groups: lower it
            double hi = thrStart;
            double lo = Math.max(1e-6, hi / 2);
            int cntLo = cl.count(lo);
            for (int it = 0; cntLo < target && lo > 1e-6 && it < 12; it++) {
                hi = lo;
                lo = Math.max(1e-6, lo / 1.5);
                cntLo = cl.count(lo);
            }
            best = lo;
            for (int s = 0; s < TARGET_BISECT_STEPS; s++) {
                double mid = 0.5 * (lo + hi);
                if (cl.count(mid) < target) hi = mid;
                else { lo = mid; best = mid; }
            }
        }
        return new double[] {best, cl.count(best)};
    }

    /** Connected components of the "same mount and within thr" graph over frame centres. */
    static final class Clusterer {
        private final double[][] u;
        private final MountMode[] modes;
        private final double[] dec;
        private final Integer[] byDec;

        Clusterer(double[][] units, MountMode[] modes) {
            this.u = units;
            this.modes = modes;
            int n = units.length;
            dec = new double[n];
            for (int i = 0; i < n; i++) dec[i] = Math.asin(Math.max(-1, Math.min(1, units[i][2]))) * SkyMath.R2D;
            byDec = new Integer[n];
            for (int i = 0; i < n; i++) byDec[i] = i;
            Arrays.sort(byDec, Comparator.comparingDouble(i -> dec[i]));
        }

        int count(double thr) { return cluster(thr).size(); }

        /** Components ordered by their smallest index, members ascending. */
        List<int[]> cluster(double thrDeg) {
            int n = u.length;
            int[] parent = new int[n];
            for (int i = 0; i < n; i++) parent[i] = i;
            double cosThr = Math.cos(thrDeg * SkyMath.D2R);
            // Sweep by declination: two centres closer than thr differ by less than thr in Dec.
            for (int a = 0; a < n; a++) {
                int i = byDec[a];
                for (int b = a + 1; b < n; b++) {
                    int j = byDec[b];
                    if (dec[j] - dec[i] > thrDeg) break;
                    if (modes[i] != modes[j]) continue;
                    int ri = find(parent, i), rj = find(parent, j);
                    if (ri == rj) continue;
                    if (dot(u[i], u[j]) >= cosThr) {
                        if (ri < rj) parent[rj] = ri; else parent[ri] = rj;
                    }
                }
            }
            int[] count = new int[n];
            for (int i = 0; i < n; i++) count[find(parent, i)]++;
            int[][] members = new int[n][];
            int[] fill = new int[n];
            List<int[]> out = new ArrayList<>();
            for (int i = 0; i < n; i++) { // roots are the smallest index of their component
                int r = find(parent, i);
                if (members[r] == null) { members[r] = new int[count[r]]; out.add(members[r]); }
                members[r][fill[r]++] = i;
            }
            return out;
        }

        private static int find(int[] parent, int a) {
            while (parent[a] != a) {
                parent[a] = parent[parent[a]];
                a = parent[a];
            }
            return a;
        }

        private static double dot(double[] a, double[] b) {
            return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
        }

        /** Separation of each centre to its nearest other centre (any mount mode), degrees. */
        double[] nearestNeighbourSeparations() {
            int n = u.length;
            double[] nn = new double[n];
            for (int a = 0; a < n; a++) {
                int i = byDec[a];
                double best = Double.POSITIVE_INFINITY;
                for (int b = a + 1; b < n && dec[byDec[b]] - dec[i] < best; b++)
                    best = Math.min(best, SkyMath.separationDeg(u[i], u[byDec[b]]));
                for (int b = a - 1; b >= 0 && dec[i] - dec[byDec[b]] < best; b--)
                    best = Math.min(best, SkyMath.separationDeg(u[i], u[byDec[b]]));
                nn[i] = n > 1 ? best : Double.NaN;
            }
            return nn;
        }

        double maxPairSeparation() {
            double max = 0;
            for (int i = 0; i < u.length; i++)
                for (int j = i + 1; j < u.length; j++) max = Math.max(max, SkyMath.separationDeg(u[i], u[j]));
            return max;
        }
    }
}
