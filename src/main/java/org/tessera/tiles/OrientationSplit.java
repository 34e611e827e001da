package org.tessera.tiles;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

import org.tessera.io.Frame;

/**
 * The original's {@code cluster_orientation_split_deg}: a group whose frames' field orientations
 * differ by more than the threshold is split into groups of like orientation (frames of one panel
 * taken on nights with a different camera angle, or an alt-az session whose field rotated a lot),
 * so each master tile stacks frames that need little rotation. 0 (the original's default) = off.
 * <p>
 * Orientation = the angle of a frame's +x axis in the pixels of the group's first frame
 * ({@link TileGeometry#rotationDeg}). Angles are ordered around the circle starting after the
 * widest gap, then cut greedily: a frame more than the threshold past the first angle of the
 * current part starts a new part, so no part spans more than the threshold. Frames keep their
 * group order inside each part.
 */
final class OrientationSplit {
    private OrientationSplit() {}

    private static final Logger LOG = Logger.getLogger("org.tessera.tiles");

    static List<int[]> split(List<Frame> frames, List<int[]> comps, double thresholdDeg) {
        if (!(thresholdDeg > 0)) return comps;
        List<int[]> out = new ArrayList<>();
        for (int[] comp : comps) {
            List<int[]> parts = splitOne(frames, comp, thresholdDeg);
            if (parts.size() > 1)
                LOG.info(String.format(Locale.ROOT,
                        "[P2] orientation split: group of %d frame(s) spans %.1f deg of field orientation (> cluster_orientation_split_deg %.1f): split into %d",
                        comp.length, span(frames, comp), thresholdDeg, parts.size()));
            out.addAll(parts);
        }
        return out;
    }

    /** Orientations of {@code comp}'s frames relative to its first frame, degrees in [0, 360). */
    static double[] angles(List<Frame> frames, int[] comp) {
        double[] a = new double[comp.length];
        var ref = frames.get(comp[0]).wcs();
        for (int k = 0; k < comp.length; k++) {
            double d = TileGeometry.rotationDeg(frames.get(comp[k]), ref);
            a[k] = ((d % 360) + 360) % 360;
        }
        return a;
    }

    static List<int[]> splitOne(List<Frame> frames, int[] comp, double thr) {
        if (comp.length < 2) return List.of(comp);
        double[] a = angles(frames, comp);
        Integer[] order = new Integer[comp.length];
        for (int k = 0; k < order.length; k++) order[k] = k;
        Arrays.sort(order, (x, y) -> Double.compare(a[x], a[y]));
        // Start after the widest gap around the circle, and unwrap from there.
        int start = 0;
        double widest = -1;
        for (int k = 0; k < order.length; k++) {
            double prev = a[order[(k - 1 + order.length) % order.length]];
            double gap = ((a[order[k]] - prev) % 360 + 360) % 360;
            if (gap > widest) { widest = gap; start = k; }
        }
        int[] part = new int[comp.length];
        double first = 0; // unwrapped angle of the current part's first frame
        int id = 0;
        for (int s = 0; s < order.length; s++) {
            int k = order[(start + s) % order.length];
            double unwrapped = ((a[k] - a[order[start]]) % 360 + 360) % 360;
            if (unwrapped - first > thr) {
                id++;
                first = unwrapped;
            }
            part[k] = id;
        }
        if (id == 0) return List.of(comp);
        // Parts in the order of their first frame in the group, so the group's first frame leads.
        int[] renum = new int[id + 1];
        Arrays.fill(renum, -1);
        int next = 0;
        for (int k = 0; k < comp.length; k++) if (renum[part[k]] < 0) renum[part[k]] = next++;
        for (int k = 0; k < comp.length; k++) part[k] = renum[part[k]];
        List<int[]> out = new ArrayList<>();
        for (int p = 0; p <= id; p++) {
            final int pp = p;
            int[] idx = java.util.stream.IntStream.range(0, comp.length).filter(k -> part[k] == pp).map(k -> comp[k]).toArray();
            if (idx.length > 0) out.add(idx);
        }
        return out;
    }

    /** Widest difference of orientation within {@code comp}, degrees (on the circle). */
    static double span(List<Frame> frames, int[] comp) {
        double[] a = angles(frames, comp);
        Arrays.sort(a);
        double widestGap = 360 - (a[a.length - 1] - a[0]);
        for (int k = 1; k < a.length; k++) widestGap = Math.max(widestGap, a[k] - a[k - 1]);
        return 360 - widestGap;
    }
}
