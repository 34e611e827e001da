package org.tessera.wcs;

import java.util.Locale;

/**
 * An affine map between the 0-based pixel grids of two images: (x, y) ↦ (a·x + b·y + tx,
 * c·x + d·y + ty). Star registration gives one from a frame to its group reference, and
 * {@link FitsWcs#withPixelTransform} turns the reference's WCS into the frame's. Immutable.
 */
public record PixelAffine(double a, double b, double tx, double c, double d, double ty) {

    public PixelAffine {
        double det = a * d - b * c;
        if (!(det != 0) || !Double.isFinite(det) || !Double.isFinite(tx) || !Double.isFinite(ty))
            throw new IllegalArgumentException("not an invertible affine map: " + this);
    }

    /** From the 2×3 row-major matrix {{a, b, tx}, {c, d, ty}} (the layout OpenCV and astroalign use). */
    public static PixelAffine of(double[][] m) {
        if (m.length != 2 || m[0].length != 3 || m[1].length != 3)
            throw new IllegalArgumentException("an affine map is a 2×3 matrix");
        return new PixelAffine(m[0][0], m[0][1], m[0][2], m[1][0], m[1][1], m[1][2]);
    }

    public static final PixelAffine IDENTITY = new PixelAffine(1, 0, 0, 0, 1, 0);

    /** Maps (x, y) into out = {x', y'}. */
    public void apply(double x, double y, double[] out) {
        double u = a * x + b * y + tx, v = c * x + d * y + ty;
        out[0] = u;
        out[1] = v;
    }

    /** The inverse map. */
    public PixelAffine inverse() {
        double det = a * d - b * c;
        double ia = d / det, ib = -b / det, ic = -c / det, id = a / det;
        return new PixelAffine(ia, ib, -(ia * tx + ib * ty), ic, id, -(ic * tx + id * ty));
    }

    /** {@code this} after {@code first}: p ↦ this(first(p)). */
    public PixelAffine after(PixelAffine first) {
        return new PixelAffine(a * first.a + b * first.c, a * first.b + b * first.d, a * first.tx + b * first.ty + tx,
                c * first.a + d * first.c, c * first.b + d * first.d, c * first.tx + d * first.ty + ty);
    }

    /** The rotation of the linear part in degrees, atan2(c, a) (exact for a similarity). */
    public double rotationDeg() {
        return Math.toDegrees(Math.atan2(c, a));
    }

    /** The scale of the linear part, √|det|. */
    public double scale() {
        return Math.sqrt(Math.abs(a * d - b * c));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "[[%.6f, %.6f, %.3f], [%.6f, %.6f, %.3f]]", a, b, tx, c, d, ty);
    }
}
