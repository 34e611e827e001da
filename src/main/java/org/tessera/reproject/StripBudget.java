package org.tessera.reproject;

import java.util.List;

/**
 * The strip cache's budget taken from the plan rather than from the heap: the source blocks that
 * the bands in flight at once, and the band after them, can hold together. A budget of a quarter
 * of the heap held up to 512 MiB of blocks the sweep had already passed, so the process grew with
 * the heap it was given (issue 15: the same job, the same reads, 3× the memory under a 1 GiB heap
 * as under 256 MiB). The budget never changes a pixel (a block is read the same whether it was
 * cached or not), only how often a block is read.
 */
final class StripBudget {
    private StripBudget() {}

    /**
     * The largest sum, over any {@code workers + 1} consecutive bands, of the blocks each tile's
     * strips can touch for those bands; never above {@code cap}.
     */
    static long bytes(List<Tile> tiles, CoaddPlan plan, Kernel kernel, int workers, long cap) {
        int bands = plan.bands();
        if (bands == 0 || tiles.isEmpty()) return Math.min(cap, 1);
        int window = Math.max(1, Math.min(bands, workers + 1));
        // Per tile and band: the first and last block its strip can use (-1: none).
        int[][] first = new int[tiles.size()][bands], last = new int[tiles.size()][bands];
        int pad = kernel.radius() + 2; // the strip's pad (radius + 1) and one row of rounding
        double[] p = new double[2];
        for (int i = 0; i < tiles.size(); i++) {
            Tile t = tiles.get(i);
            for (int b = 0; b < bands; b++) {
                first[i][b] = -1;
                int y0 = plan.bandY0(b), y1 = y0 + plan.bandRows(b);
                int ya = Math.max(y0, t.by0), yb = Math.min(y1, t.by1);
                if (ya >= yb) continue;
                // The band's box on the tile: TAN onto TAN over one band is affine to well under a
                // row, so corners and edge midpoints bound its rows; the pad covers the rest.
                double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
                double xm = 0.5 * (t.bx0 + t.bx1), ym = 0.5 * (ya + yb);
                double[][] pts = {{t.bx0, ya}, {t.bx1, ya}, {t.bx0, yb}, {t.bx1, yb}, {xm, ya}, {xm, yb}, {t.bx0, ym}, {t.bx1, ym}};
                for (double[] q : pts) {
                    t.mapping.mapExact(q[0], q[1], p);
                    if (!Double.isFinite(p[1])) { lo = t.cy0; hi = t.cy1; break; }
                    lo = Math.min(lo, p[1]);
                    hi = Math.max(hi, p[1]);
                }
                int r0 = (int) Math.max(t.cy0, Math.floor(lo) - pad), r1 = (int) Math.min(t.cy1, Math.floor(hi) + pad + 1);
                if (r0 >= r1) continue;
                first[i][b] = r0 / t.blockRows;
                last[i][b] = (r1 - 1) / t.blockRows;
            }
        }
        long most = 0;
        for (int b = 0; b + window <= bands; b++) {
            long sum = 0;
            for (int i = 0; i < tiles.size(); i++) {
                int lo = Integer.MAX_VALUE, hi = -1;
                for (int k = b; k < b + window; k++) {
                    if (first[i][k] < 0) continue;
                    lo = Math.min(lo, first[i][k]);
                    hi = Math.max(hi, last[i][k]);
                }
                if (hi >= 0) sum += (hi - lo + 1) * blockBytes(tiles.get(i));
            }
            most = Math.max(most, sum);
            if (most >= cap) return cap;
        }
        return Math.max(1, most);
    }

    /** A full block of the tile: every channel and, when its pixels are not all of weight 1, W. */
    static long blockBytes(Tile t) {
        return 4L * t.blockRows * t.width * (t.channels + (t.unitWeight ? 0 : 1)) + 64;
    }
}
