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

    public static Plan plan(List<Frame> frames, MountMode effectiveMode) {
        int ref = referenceIndex(frames);
        Frame r = frames.get(ref);
        double spread = rotationSpreadDeg(frames, ref);
        boolean canvas = effectiveMode == MountMode.ALT_AZ || spread > ROTATION_TOLERANCE_DEG;
        if (!canvas) return new Plan(r, ref, new WcsGrid(r.wcs(), r.width(), r.height()), false, 0, 0, spread);
        int side = (int) Math.ceil(Math.hypot(r.width(), r.height()));
        int padX = (side - r.width()) / 2, padY = (side - r.height()) / 2;
        // Canvas pixel (0, 0) is reference pixel (-padX, -padY).
        Wcs w = r.wcs().shifted(-padX, -padY);
        return new Plan(r, ref, new WcsGrid(w, side, side), true, padX, padY, spread);
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
