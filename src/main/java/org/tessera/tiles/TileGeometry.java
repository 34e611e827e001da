package org.tessera.tiles;

import java.util.List;

import org.tessera.io.Frame;
import org.tessera.io.MountMode;
import org.tessera.wcs.Wcs;
import org.tessera.wcs.WcsGrid;

/**
 * Where a group is stacked (reference §3.1–3.2): the reference frame is the one whose centre is
 * closest to the group's spherical centroid; frames are reprojected onto its pixel grid. For an
 * ALT_AZ group, or a group whose frames' field rotations differ by more than
 * {@link #ROTATION_TOLERANCE_DEG}, the grid is the square canvas of side ceil(hypot(H, W)) centred
 * on the reference frame, so that rotated frames keep their corners.
 */
public final class TileGeometry {
    private TileGeometry() {}

    /**
     * Rotations closer than this (degrees) count as equal: 1° moves the corner of a 1920-px frame
     * by about 17 px, which the stack's NaN handling absorbs.
     */
    public static final double ROTATION_TOLERANCE_DEG = 1.0;

    /**
     * The stacking grid of a group: its reference frame, the grid (reference grid or padded
     * canvas), whether it is the canvas, the padding offsets of the reference frame inside it, and
     * the largest field rotation of a frame relative to the reference.
     */
    public record Plan(Frame reference, int referenceIndex, WcsGrid grid, boolean canvas, int padX, int padY,
                       double rotationSpreadDeg) {}

    /**
     * A frame keeps today's grid when at least this fraction of its footprint falls on it: dithers
     * of a few pixels are cropped as the original crops them, but a frame the grid would mostly
     * cut away (panels that auto-relax put in one group) widens the grid instead.
     */
    public static final double MIN_INSIDE_FRACTION = 0.75;

    /**
     * Largest grid a group may need, in reference-frame areas: a group spread wider than this is
     * split by {@link Grouping} rather than stacked on a mostly empty canvas.
     */
    public static final double MAX_SPREAD_AREAS = 4.0;

    public static Plan plan(List<Frame> frames, MountMode effectiveMode) {
        int ref = referenceIndex(frames);
        Frame r = frames.get(ref);
        double spread = rotationSpreadDeg(frames, ref);
        boolean canvas = effectiveMode == MountMode.ALT_AZ || spread > ROTATION_TOLERANCE_DEG;
        // The base grid, as a box in reference pixels [x0, x1) x [y0, y1).
        int x0 = 0, y0 = 0, x1 = r.width(), y1 = r.height();
        if (canvas) {
            int side = (int) Math.ceil(Math.hypot(r.width(), r.height()));
            x0 = -((side - r.width()) / 2);
            y0 = -((side - r.height()) / 2);
            x1 = x0 + side;
            y1 = y0 + side;
        }
        int[] box = {x0, y0, x1, y1};
        if (minInsideFraction(frames, r.wcs(), box) < MIN_INSIDE_FRACTION) {
            // Some frame would mostly fall off the grid: widen it to every frame's footprint.
            int[] u = unionBox(frames, r.wcs());
            x0 = Math.min(x0, u[0]);
            y0 = Math.min(y0, u[1]);
            x1 = Math.max(x1, u[2]);
            y1 = Math.max(y1, u[3]);
            canvas = true;
        }
        if (!canvas) return new Plan(r, ref, new WcsGrid(r.wcs(), r.width(), r.height()), false, 0, 0, spread);
        // Grid pixel (0, 0) is reference pixel (x0, y0): the reference lands at an integer offset.
        Wcs w = r.wcs().shifted(x0, y0);
        return new Plan(r, ref, new WcsGrid(w, x1 - x0, y1 - y0), true, -x0, -y0, spread);
    }

    /**
     * The group's footprint on the grid of its reference frame, in reference areas: the area of the
     * box holding every frame's footprint over the reference frame's area.
     */
    public static double spreadAreas(List<Frame> frames) {
        Frame r = frames.get(referenceIndex(frames));
        int[] u = unionBox(frames, r.wcs());
        int x0 = Math.min(0, u[0]), y0 = Math.min(0, u[1]), x1 = Math.max(r.width(), u[2]), y1 = Math.max(r.height(), u[3]);
        return (double) (x1 - x0) * (y1 - y0) / ((double) r.width() * r.height());
    }

    /** Samples per side of a frame when its footprint is measured: 17 x 17 points. */
    private static final int SAMPLES = 16;

    /** Smallest fraction, over the frames, of sample points of a frame that land inside {@code box}. */
    static double minInsideFraction(List<Frame> frames, Wcs refWcs, int[] box) {
        double min = 1;
        double[] p = new double[2];
        for (Frame f : frames) {
            int in = 0, all = 0;
            for (int j = 0; j <= SAMPLES; j++)
                for (int i = 0; i <= SAMPLES; i++) {
                    all++;
                    if (toRef(f, refWcs, -0.5 + f.width() * (double) i / SAMPLES, -0.5 + f.height() * (double) j / SAMPLES, p)
                            && p[0] >= box[0] - 0.5 && p[0] <= box[2] - 0.5 && p[1] >= box[1] - 0.5 && p[1] <= box[3] - 0.5)
                        in++;
                }
            min = Math.min(min, (double) in / all);
        }
        return min;
    }

    /** Integer box [x0, y0, x1, y1) of reference pixels covering every frame's edge. */
    static int[] unionBox(List<Frame> frames, Wcs refWcs) {
        double minX = Double.POSITIVE_INFINITY, minY = minX, maxX = Double.NEGATIVE_INFINITY, maxY = maxX;
        double[] p = new double[2];
        for (Frame f : frames)
            for (int k = 0; k <= SAMPLES; k++) {
                double t = (double) k / SAMPLES;
                double[][] edge = {{-0.5 + t * f.width(), -0.5}, {-0.5 + t * f.width(), f.height() - 0.5},
                        {-0.5, -0.5 + t * f.height()}, {f.width() - 0.5, -0.5 + t * f.height()}};
                for (double[] e : edge) {
                    if (!toRef(f, refWcs, e[0], e[1], p)) continue;
                    minX = Math.min(minX, p[0]);
                    maxX = Math.max(maxX, p[0]);
                    minY = Math.min(minY, p[1]);
                    maxY = Math.max(maxY, p[1]);
                }
            }
        if (!(minX <= maxX)) return new int[] {0, 0, 0, 0};
        return new int[] {(int) Math.floor(minX + 0.5), (int) Math.floor(minY + 0.5),
                (int) Math.ceil(maxX + 0.5), (int) Math.ceil(maxY + 0.5)};
    }

    /** A pixel of frame {@code f} on the reference pixel grid; false when it does not map. */
    private static boolean toRef(Frame f, Wcs refWcs, double x, double y, double[] out) {
        f.wcs().pixelToWorld(x, y, out);
        if (!Double.isFinite(out[0]) || !Double.isFinite(out[1])) return false;
        refWcs.worldToPixel(out[0], out[1], out);
        return Double.isFinite(out[0]) && Double.isFinite(out[1]);
    }

    /** Index of the frame whose centre is closest to the group's spherical centroid (first on ties). */
    public static int referenceIndex(List<Frame> frames) {
        double[][] u = new double[frames.size()][];
        for (int i = 0; i < u.length; i++) {
            Frame f = frames.get(i);
            double[] c = SkyMath.centre(f.wcs(), f.width(), f.height());
            u[i] = SkyMath.unit(c[0], c[1]);
        }
        double[] centroid = SkyMath.centroid(u);
        if (centroid == null) return 0;
        int best = 0;
        double bestSep = Double.POSITIVE_INFINITY;
        for (int i = 0; i < u.length; i++) {
            double s = SkyMath.separationDeg(u[i], centroid);
            if (s < bestSep) { bestSep = s; best = i; }
        }
        return best;
    }

    /** Largest |field rotation| of a frame relative to the first one, degrees. */
    public static double rotationSpreadDeg(List<Frame> frames) {
        return rotationSpreadDeg(frames, 0);
    }

    static double rotationSpreadDeg(List<Frame> frames, int ref) {
        double max = 0;
        Wcs rw = frames.get(ref).wcs();
        for (Frame f : frames) max = Math.max(max, Math.abs(rotationDeg(f, rw)));
        return max;
    }

    /**
     * Angle, in the pixel frame of {@code refWcs}, of the frame's +x pixel axis at its centre:
     * 0 for an unrotated frame, in (-180, 180]; 180 when it cannot be mapped.
     */
    static double rotationDeg(Frame f, Wcs refWcs) {
        double cx = (f.width() - 1) / 2.0, cy = (f.height() - 1) / 2.0;
        double step = Math.max(1, Math.min(f.width(), f.height()) / 8.0);
        double[] a = new double[2], b = new double[2];
        f.wcs().pixelToWorld(cx, cy, a);
        refWcs.worldToPixel(a[0], a[1], a);
        f.wcs().pixelToWorld(cx + step, cy, b);
        refWcs.worldToPixel(b[0], b[1], b);
        double ang = Math.toDegrees(Math.atan2(b[1] - a[1], b[0] - a[0]));
        return Double.isFinite(ang) ? ang : 180;
    }
}
