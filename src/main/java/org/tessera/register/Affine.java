package org.tessera.register;

/**
 * A 2-D affine pixel transform (x, y) → (a·x + b·y + c, d·x + e·y + f), 0-based pixel coordinates.
 * Immutable; {@link #apply} writes into a caller's array so that pixel loops allocate nothing.
 */
public record Affine(double a, double b, double c, double d, double e, double f) implements java.io.Serializable {

    public static final Affine IDENTITY = new Affine(1, 0, 0, 0, 1, 0);

    public static Affine translation(double dx, double dy) { return new Affine(1, 0, dx, 0, 1, dy); }

    /**
     * Rotation by {@code deg} (counter-clockwise in a y-up picture, i.e. from +x towards +y) and
     * uniform scale about the origin, then a shift.
     */
    public static Affine similarity(double scale, double deg, double dx, double dy) {
        double r = Math.toRadians(deg), cs = scale * Math.cos(r), sn = scale * Math.sin(r);
        return new Affine(cs, -sn, dx, sn, cs, dy);
    }

    /** The 2×3 matrix {{a, b, c}, {d, e, f}}. */
    public double[][] matrix() { return new double[][] {{a, b, c}, {d, e, f}}; }

    public void apply(double x, double y, double[] out) {
        double u = a * x + b * y + c, v = d * x + e * y + f;
        out[0] = u;
        out[1] = v;
    }

    public double[] apply(double x, double y) {
        double[] o = new double[2];
        apply(x, y, o);
        return o;
    }

    public double determinant() { return a * e - b * d; }

    /** The inverse transform; throws for a singular one. */
    public Affine inverse() {
        double det = determinant();
        if (!(Math.abs(det) > 1e-300) || !Double.isFinite(det)) throw new ArithmeticException("singular affine transform " + this);
        double ia = e / det, ib = -b / det, id = -d / det, ie = a / det;
        return new Affine(ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f));
    }

    /** This transform after {@code first}: x → this(first(x)). */
    public Affine after(Affine first) {
        return new Affine(a * first.a + b * first.d, a * first.b + b * first.e, a * first.c + b * first.f + c,
                d * first.a + e * first.d, d * first.b + e * first.e, d * first.c + e * first.f + f);
    }

    /** Mean linear scale, √|det|. */
    public double scale() { return Math.sqrt(Math.abs(determinant())); }

    /** Rotation angle in degrees (−180, 180] of the linear part (its closest rotation). */
    public double rotationDeg() { return Math.toDegrees(Math.atan2(d - b, a + e)); }

    /** True when the transform swaps handedness (a mirrored frame). */
    public boolean mirrored() { return determinant() < 0; }
}
