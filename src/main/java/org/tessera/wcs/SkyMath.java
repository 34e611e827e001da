package org.tessera.wcs;

/** Unit-vector helpers on the celestial sphere (degrees in, radians or unit vectors out). */
public final class SkyMath {
    private SkyMath() {}

    static final double D2R = Math.PI / 180, R2D = 180 / Math.PI;

    /** The unit vector of (ra, dec) in degrees. */
    static double[] unit(double ra, double dec) {
        double a = ra * D2R, d = dec * D2R, cd = Math.cos(d);
        return new double[] {cd * Math.cos(a), cd * Math.sin(a), Math.sin(d)};
    }

    /** {ra, dec} in degrees of a (not necessarily unit) vector; ra in [0, 360). */
    static void toRaDec(double x, double y, double z, double[] out) {
        double a = Math.atan2(y, x) * R2D;
        if (a < 0) a += 360;
        if (a >= 360) a -= 360;
        out[0] = a;
        out[1] = Math.atan2(z, Math.sqrt(x * x + y * y)) * R2D;
    }

    /**
     * Gnomonic standard coordinates (radians) of (ra, dec) about the unit vector e: out[0] toward
     * east, out[1] toward north; NaN when the point is 90° or more away.
     */
    static void gnomonic(double[] e, double ra, double dec, double[] out) {
        double[] p = unit(ra, dec);
        double d = p[0] * e[0] + p[1] * e[1] + p[2] * e[2];
        if (!(d > 0)) { out[0] = out[1] = Double.NaN; return; }
        // East = z × e (normalised), north = e × east.
        double ex = -e[1], ey = e[0], ez = 0;
        double n = Math.sqrt(ex * ex + ey * ey);
        if (n < 1e-15) { ex = 0; ey = 1; n = 1; } // at a pole: any east, fixed by convention
        ex /= n;
        ey /= n;
        double nx = e[1] * ez - e[2] * ey, ny = e[2] * ex - e[0] * ez, nz = e[0] * ey - e[1] * ex;
        out[0] = (p[0] * ex + p[1] * ey + p[2] * ez) / d;
        out[1] = (p[0] * nx + p[1] * ny + p[2] * nz) / d;
    }

    /** Angular separation in degrees (exact at any distance). */
    public static double separationDeg(double ra1, double dec1, double ra2, double dec2) {
        double[] a = unit(ra1, dec1), b = unit(ra2, dec2);
        double cx = a[1] * b[2] - a[2] * b[1], cy = a[2] * b[0] - a[0] * b[2], cz = a[0] * b[1] - a[1] * b[0];
        double s = Math.sqrt(cx * cx + cy * cy + cz * cz), c = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
        return Math.atan2(s, c) * R2D;
    }
}
