package org.tessera.tiles;

import java.util.ArrayList;
import java.util.List;

import org.tessera.stack.StackResult;

/**
 * Puts a tile's reference frame (the one closest to the group centroid, {@link TileGeometry}) first
 * in the stack, because the stack core normalises every frame onto its first usable frame
 * (reference.md §3 step 1 and §4): the master tile's photometric anchor is then the same frame as
 * its geometric one, not whichever frame happened to come first in the group. The stack's
 * per-frame results are mapped back to group order, which the rest of the pipeline indexes by.
 */
final class ReferenceFirst {
    private ReferenceFirst() {}

    /** Group indices in stack order: {@code reference}, then the others in group order. */
    static int[] order(int frames, int reference) {
        int[] o = new int[frames];
        o[0] = reference;
        for (int i = 0, k = 1; i < frames; i++) if (i != reference) o[k++] = i;
        return o;
    }

    /** {@code items} in {@code order}. */
    static <T> List<T> apply(List<T> items, int[] order) {
        List<T> out = new ArrayList<>(order.length);
        for (int i : order) out.add(items.get(i));
        return out;
    }

    /** The stack's per-frame results (weights, normalisation reference) back in group order (frame {@code order[k]} got row k). */
    static StackResult toGroupOrder(StackResult r, int[] order) {
        if (r.frameWeights() == null || r.frameWeights().length != order.length) return r;
        double[][] w = new double[order.length][];
        boolean[] on = new boolean[order.length];
        for (int k = 0; k < order.length; k++) {
            w[order[k]] = r.frameWeights()[k];
            on[order[k]] = r.onReference() != null && r.onReference()[k];
        }
        return new StackResult(r.framesUsed(), r.dropped(), r.rejectedPctPerChannel(), w,
                r.reference() < 0 ? -1 : order[r.reference()], on);
    }
}
