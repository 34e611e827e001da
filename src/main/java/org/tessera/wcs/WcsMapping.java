package org.tessera.wcs;

import java.util.ArrayList;
import java.util.List;

/**
 * Fast pixel→pixel mapping from a target grid to a source image through the sky.
 * <p>
 * One exact mapping (target pixel → world → source pixel) costs two spherical rotations and two
 * projections: far too slow per pixel per tile. This class evaluates it exactly only at the
 * corners of control cells and interpolates bilinearly in between. Cells are squares of
 * {@code cellSize} target pixels anchored at multiples of {@code cellSize} in the target grid, so
 * a pixel's mapped position never depends on which band or region asked for it (results do not
 * change with the band size). Each cell measures its own interpolation error at its centre and at
 * the midpoints of its edges (where the error of bilinear interpolation of a smooth map peaks);
 * a cell whose error exceeds half the tolerance, or that touches a point with no mapping (NaN), is
 * split into four, down to single pixels, which are exact (a cell of 8 px or less where no control
 * point maps at all is taken as empty). The measured error is therefore kept
 * below {@code tolerancePx} (0.01 px by default) with a safety factor of two; tests check the
 * bound against the exact mapping at every pixel. A {@link #cornerRegion} maps pixel corners
 * (x ± ½, y ± ½) the same way, for kernels that sample a pixel's whole footprint.
 * <p>
 * Thread-safe: a mapping is immutable; each {@link Region} belongs to the thread that made it.
 */
public final class WcsMapping {

    public static final double DEFAULT_TOLERANCE_PX = 0.01;
    public static final int DEFAULT_CELL_SIZE = 64;
    /** Cells this small whose nine control points all fail to map are taken as empty. */
    private static final int EMPTY_CELL = 8;

    private final Wcs target;
    private final Wcs source;
    private final double tolerance;
    private final int cellSize;

    /** Default tolerance (0.01 px) and cell size (64 px). */
    public WcsMapping(Wcs target, Wcs source) {
        this(target, source, DEFAULT_TOLERANCE_PX, DEFAULT_CELL_SIZE);
    }

    /**
     * @param target     WCS of the grid whose pixels are mapped
     * @param source     WCS of the image they are mapped into
     * @param tolerancePx largest acceptable interpolation error, in source pixels
     * @param cellSize   side of the coarsest control cell, a power of two ≥ 1
     */
    public WcsMapping(Wcs target, Wcs source, double tolerancePx, int cellSize) {
        if (!(tolerancePx > 0)) throw new IllegalArgumentException("tolerance must be > 0: " + tolerancePx);
        if (cellSize < 1 || Integer.bitCount(cellSize) != 1)
            throw new IllegalArgumentException("cell size must be a power of two: " + cellSize);
        this.target = target;
        this.source = source;
        this.tolerance = tolerancePx;
        this.cellSize = cellSize;
    }

    public Wcs target() { return target; }
    public Wcs source() { return source; }
    public double tolerancePx() { return tolerance; }
    public int cellSize() { return cellSize; }

    /** The exact mapping of one target pixel: out = {source x, source y}, NaN where none. */
    public void mapExact(double x, double y, double[] out) {
        target.pixelToWorld(x, y, out);
        if (Double.isNaN(out[0]) || Double.isNaN(out[1])) {
            out[0] = out[1] = Double.NaN;
            return;
        }
        source.worldToPixel(out[0], out[1], out);
        if (Double.isNaN(out[0]) || Double.isNaN(out[1])) out[0] = out[1] = Double.NaN;
    }

    /**
     * The control cells covering target pixels [x0, x1) × [y0, y1). Building it costs one exact
     * mapping per cell corner (plus five per cell for the error check); mapping a row is then
     * two multiply-adds per pixel.
     */
    public Region region(int x0, int y0, int x1, int y1) {
        if (x1 <= x0 || y1 <= y0) throw new IllegalArgumentException("empty region [" + x0 + "," + x1 + ")x[" + y0 + "," + y1 + ")");
        return new Region(x0, y0, x1, y1, false);
    }

    /**
     * The control cells covering the corners of target pixels [x0, x1) × [y0, y1): the points
     * (x − ½, y − ½) for x0 ≤ x ≤ x1, y0 ≤ y ≤ y1, read with {@link Region#mapCorners}. It is the
     * region of pixels [x0 − 1, x1) × [y0 − 1, y1) (a corner lies in the cell of the pixel above
     * and left of it), so {@link Region#mapRow} also works on it and gives the same positions.
     * Corners are interpolated within the same error bound as pixels, except in single-pixel
     * cells, where the map is too curved to interpolate and they are mapped exactly (one more
     * exact mapping per such cell); {@link Region#sourceBounds} bound every corner.
     */
    public Region cornerRegion(int x0, int y0, int x1, int y1) {
        if (x1 <= x0 || y1 <= y0) throw new IllegalArgumentException("empty region [" + x0 + "," + x1 + ")x[" + y0 + "," + y1 + ")");
        return new Region(x0 - 1, y0 - 1, x1, y1, true);
    }

    /** A leaf or inner node of a cell's quadtree. Corners in source pixels: (x, y) at 00, 10, 01, 11. */
    private static final class Node {
        final int x, y, size;
        final double x00, y00, x10, y10, x01, y01, x11, y11;
        Node[] kids; // 0: top-left, 1: top-right, 2: bottom-left, 3: bottom-right
        boolean empty; // every control point unmapped: no pixel of this cell maps anywhere
        double cx = Double.NaN, cy = Double.NaN; // single-pixel cells of corner regions: exact centre

        Node(int x, int y, int size, double[] c) {
            this.x = x;
            this.y = y;
            this.size = size;
            x00 = c[0]; y00 = c[1]; x10 = c[2]; y10 = c[3];
            x01 = c[4]; y01 = c[5]; x11 = c[6]; y11 = c[7];
        }
    }

    /** The control cells of one rectangle of the target grid. */
    public final class Region {
        private final int x0, y0, x1, y1;
        private final boolean corners;
        private final int cx0, cy0, ncx, ncy;
        private final Node[] cells;
        private final double[] tmp = new double[2];
        private double maxError;
        private int evaluations;
        private double minSx = Double.POSITIVE_INFINITY, maxSx = Double.NEGATIVE_INFINITY;
        private double minSy = Double.POSITIVE_INFINITY, maxSy = Double.NEGATIVE_INFINITY;

        private Region(int x0, int y0, int x1, int y1, boolean corners) {
            this.corners = corners;
            this.x0 = x0;
            this.y0 = y0;
            this.x1 = x1;
            this.y1 = y1;
            cx0 = Math.floorDiv(x0, cellSize);
            cy0 = Math.floorDiv(y0, cellSize);
            ncx = Math.floorDiv(x1 - 1, cellSize) - cx0 + 1;
            ncy = Math.floorDiv(y1 - 1, cellSize) - cy0 + 1;
            // Corner grid shared by the top-level cells.
            double[] gx = new double[(ncx + 1) * (ncy + 1)], gy = new double[gx.length];
            for (int j = 0; j <= ncy; j++)
                for (int i = 0; i <= ncx; i++) {
                    exact((cx0 + i) * (double) cellSize, (cy0 + j) * (double) cellSize);
                    gx[j * (ncx + 1) + i] = tmp[0];
                    gy[j * (ncx + 1) + i] = tmp[1];
                }
            cells = new Node[ncx * ncy];
            double[] c = new double[8];
            for (int j = 0; j < ncy; j++)
                for (int i = 0; i < ncx; i++) {
                    int a = j * (ncx + 1) + i;
                    c[0] = gx[a]; c[1] = gy[a];
                    c[2] = gx[a + 1]; c[3] = gy[a + 1];
                    c[4] = gx[a + ncx + 1]; c[5] = gy[a + ncx + 1];
                    c[6] = gx[a + ncx + 2]; c[7] = gy[a + ncx + 2];
                    Node n = new Node((cx0 + i) * cellSize, (cy0 + j) * cellSize, cellSize, c);
                    refine(n);
                    cells[j * ncx + i] = n;
                }
        }

        private void exact(double x, double y) {
            mapExact(x, y, tmp);
            evaluations++;
        }

        /** Checks a node's interpolation error; splits it while the error is too large. */
        private void refine(Node n) {
            int s = n.size;
            if (s == 1) { // a single pixel: its corner 00 is exact
                note(n.x00, n.y00);
                n.empty = Double.isNaN(n.x00);
                if (corners && !n.empty) {
                    // Too curved to interpolate: the corner point half a pixel on is mapped exactly.
                    exact(n.x + 0.5, n.y + 0.5);
                    n.cx = tmp[0];
                    n.cy = tmp[1];
                    note(n.cx, n.cy);
                }
                return;
            }
            int h = s / 2;
            // Exact values at the centre and the four edge midpoints.
            double[] m = new double[10];
            int[][] pts = {{h, h}, {h, 0}, {h, s}, {0, h}, {s, h}};
            boolean anyNaN = Double.isNaN(n.x00) || Double.isNaN(n.x10) || Double.isNaN(n.x01) || Double.isNaN(n.x11);
            boolean allNaN = anyNaN && Double.isNaN(n.x00) && Double.isNaN(n.x10) && Double.isNaN(n.x01) && Double.isNaN(n.x11);
            double err = 0;
            for (int k = 0; k < 5; k++) {
                exact(n.x + pts[k][0], n.y + pts[k][1]);
                m[2 * k] = tmp[0];
                m[2 * k + 1] = tmp[1];
                if (Double.isNaN(tmp[0])) {
                    anyNaN = true;
                } else {
                    allNaN = false;
                    if (!anyNaN) {
                        double u = pts[k][0] / (double) s, v = pts[k][1] / (double) s;
                        double ix = bil(n.x00, n.x10, n.x01, n.x11, u, v), iy = bil(n.y00, n.y10, n.y01, n.y11, u, v);
                        err = Math.max(err, Math.hypot(ix - tmp[0], iy - tmp[1]));
                    }
                }
            }
            if (allNaN && s <= EMPTY_CELL) {
                // Nothing maps at any of its nine points: the cell lies outside the source
                // projection's domain. Pixels it might still hold sit at the domain's rim, where
                // source coordinates run to infinity, never inside an image.
                n.empty = true;
                return;
            }
            if (!anyNaN && err <= tolerance / 2) {
                maxError = Math.max(maxError, err);
                note(n.x00, n.y00); note(n.x10, n.y10); note(n.x01, n.y01); note(n.x11, n.y11);
                return;
            }
            // Split: children reuse the corners and the five points just computed.
            double cx = m[0], cy = m[1], tx = m[2], ty = m[3], bx = m[4], by = m[5];
            double lx = m[6], ly = m[7], rx = m[8], ry = m[9];
            n.kids = new Node[] {
                new Node(n.x, n.y, h, new double[] {n.x00, n.y00, tx, ty, lx, ly, cx, cy}),
                new Node(n.x + h, n.y, h, new double[] {tx, ty, n.x10, n.y10, cx, cy, rx, ry}),
                new Node(n.x, n.y + h, h, new double[] {lx, ly, cx, cy, n.x01, n.y01, bx, by}),
                new Node(n.x + h, n.y + h, h, new double[] {cx, cy, rx, ry, bx, by, n.x11, n.y11})};
            for (Node k : n.kids) refine(k);
        }

        private void note(double sx, double sy) {
            if (Double.isNaN(sx) || Double.isNaN(sy)) return;
            if (sx < minSx) minSx = sx;
            if (sx > maxSx) maxSx = sx;
            if (sy < minSy) minSy = sy;
            if (sy > maxSy) maxSy = sy;
        }

        /**
         * Source positions of target pixels xa..xb-1 of row y (both inside this region), written
         * to sx[0..xb-xa) and sy[...]; NaN where the pixel has no mapping.
         */
        public void mapRow(int y, int xa, int xb, double[] sx, double[] sy) {
            if (y < y0 || y >= y1 || xa < x0 || xb > x1 || xa > xb)
                throw new IndexOutOfBoundsException("row " + y + " [" + xa + "," + xb + ") outside region");
            sweep(y, xa, xb, 0, sx, sy);
        }

        /**
         * Source positions of the top corners (x − ½, y − ½) of target pixels xa..xb-1 of row y,
         * and of the top-right corner of the last, written to sx[0..xb-xa] and sy[...] (xb − xa + 1
         * points); NaN where a corner has no mapping. Call with y + 1 for the bottom corners. A
         * corner is interpolated in the one cell that contains it, so the pixels that share it get
         * the same position whichever region or band asks: their footprints tile the source
         * plane without gap or overlap. The region must come from {@link WcsMapping#cornerRegion} for
         * pixels that include these.
         * @throws IllegalStateException on a region made by {@link WcsMapping#region}
         */
        public void mapCorners(int y, int xa, int xb, double[] sx, double[] sy) {
            if (!corners) throw new IllegalStateException("not a corner region (WcsMapping.cornerRegion)");
            // Corner (x − ½, y − ½) lies in the cell of pixel (x − 1, y − 1), half a pixel on.
            int py = y - 1, pa = xa - 1;
            if (py < y0 || py >= y1 || pa < x0 || xb > x1 || xa > xb)
                throw new IndexOutOfBoundsException("corners of row " + y + " [" + xa + "," + xb + "] outside region");
            sweep(py, pa, xb, 0.5, sx, sy);
        }

        /** Interpolates pixels [a, b) of row y, each at (x + off, y + off), into out[x − a], cell by cell. */
        private void sweep(int y, int a, int b, double off, double[] sx, double[] sy) {
            int j = Math.floorDiv(y, cellSize) - cy0;
            for (int i = Math.floorDiv(a, cellSize) - cx0; i < ncx; i++) {
                Node n = cells[j * ncx + i];
                if (n.x >= b) break;
                fill(n, y, Math.max(a, n.x), Math.min(b, n.x + n.size), a, off, sx, sy);
            }
        }

        /** Interpolates pixels [a, b) of row y, each at (x + off, y + off), into out[x - base]. */
        private void fill(Node n, int y, int a, int b, int base, double off, double[] sx, double[] sy) {
            if (n.empty) {
                for (int x = a; x < b; x++) sx[x - base] = sy[x - base] = Double.NaN;
                return;
            }
            if (n.kids != null) {
                int h = n.size / 2;
                int row = y < n.y + h ? 0 : 2;
                int mid = n.x + h;
                if (a < mid) fill(n.kids[row], y, a, Math.min(b, mid), base, off, sx, sy);
                if (b > mid) fill(n.kids[row + 1], y, Math.max(a, mid), b, base, off, sx, sy);
                return;
            }
            if (n.size == 1 && off != 0) { // a corner in a single-pixel cell: mapped exactly
                sx[a - base] = n.cx;
                sy[a - base] = n.cy;
                return;
            }
            // off = 0 (pixel centres) gives exactly the arithmetic of integer positions.
            double inv = 1.0 / n.size, v = (y + off - n.y) * inv;
            double lx = n.x00 + v * (n.x01 - n.x00), ly = n.y00 + v * (n.y01 - n.y00);
            double dx = (n.x10 + v * (n.x11 - n.x10)) - lx, dy = (n.y10 + v * (n.y11 - n.y10)) - ly;
            for (int x = a; x < b; x++) {
                double u = (x + off - n.x) * inv;
                sx[x - base] = lx + u * dx;
                sy[x - base] = ly + u * dy;
            }
        }

        /**
         * The region's cells as flat tables, for a device that maps pixels itself (a GPU kernel
         * descends the same quadtree and does the same arithmetic as {@link #mapRow}). Top-level
         * cell (i, j) is node j·ncx + i; node k has ints {x, y, size, firstKid (-1 for a leaf; its
         * four kids follow in the order top-left, top-right, bottom-left, bottom-right), empty}
         * at [5k, 5k + 5) and corners {x00, y00, x10, y10, x01, y01, x11, y11} at [8k, 8k + 8).
         */
        public Flat flatten() {
            if (flat == null) flat = buildFlat(); // a backend asks once per channel: build once
            return flat;
        }

        private Flat flat;

        private Flat buildFlat() {
            List<Node> order = new ArrayList<>(List.of(cells));
            for (int k = 0; k < order.size(); k++) {
                Node n = order.get(k);
                if (n.kids != null) order.addAll(List.of(n.kids));
            }
            int[] ints = new int[order.size() * 5];
            double[] corners = new double[order.size() * 8];
            java.util.IdentityHashMap<Node, Integer> index = new java.util.IdentityHashMap<>();
            for (int k = 0; k < order.size(); k++) index.put(order.get(k), k);
            for (int k = 0; k < order.size(); k++) {
                Node n = order.get(k);
                ints[5 * k] = n.x;
                ints[5 * k + 1] = n.y;
                ints[5 * k + 2] = n.size;
                ints[5 * k + 3] = n.kids == null ? -1 : index.get(n.kids[0]);
                ints[5 * k + 4] = n.empty ? 1 : 0;
                double[] c = {n.x00, n.y00, n.x10, n.y10, n.x01, n.y01, n.x11, n.y11};
                System.arraycopy(c, 0, corners, 8 * k, 8);
            }
            return new Flat(ints, corners, cx0, cy0, ncx, ncy, cellSize);
        }

        /** Largest interpolation error measured at the check points of the cells kept. */
        public double maxMeasuredError() { return maxError; }

        /** Number of exact mappings this region cost. */
        public int exactEvaluations() { return evaluations; }

        /**
         * Bounds {minX, maxX, minY, maxY} of the interpolated source positions over the region's
         * cells (a bilinear patch takes its extremes at its corners), or null when nothing maps.
         */
        public double[] sourceBounds() {
            if (minSx > maxSx) return null;
            return new double[] {minSx, maxSx, minSy, maxSy};
        }

        /** Leaf cells, as {x, y, size} in target pixels (for diagnostics and tests). */
        public List<int[]> leaves() {
            List<int[]> out = new ArrayList<>();
            for (Node n : cells) collect(n, out);
            return out;
        }

        private void collect(Node n, List<int[]> out) {
            if (n.kids == null) out.add(new int[] {n.x, n.y, n.size});
            else for (Node k : n.kids) collect(k, out);
        }
    }

    /** A region's quadtree as flat tables ({@link Region#flatten}). */
    public record Flat(int[] nodes, double[] corners, int cx0, int cy0, int ncx, int ncy, int cellSize) {}

    private static double bil(double a00, double a10, double a01, double a11, double u, double v) {
        double top = a00 + u * (a10 - a00), bot = a01 + u * (a11 - a01);
        return top + v * (bot - top);
    }
}
