package org.tessera.tiles;


import org.tessera.wcs.Wcs;

/** Small spherical helpers shared by grouping and tile geometry. */
final class SkyMath {
    private SkyMath() {}

    static final double D2R = Math.PI / 180.0;
    static final double R2D = 180.0 / Math.PI;

    /** (ra, dec) in degrees → unit vector. */
    static double[] unit(double raDeg, double decDeg) {
        double ra = raDeg * D2R, dec = decDeg * D2R;
        double cd = Math.cos(dec);
        return new double[] {cd * Math.cos(ra), cd * Math.sin(ra), Math.sin(dec)};
    }

    /** Unit vector → (ra, dec) in degrees, ra in [0, 360). */
    static double[] radec(double[] v) {
        double n = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
        double ra = Math.atan2(v[1], v[0]) * R2D;
        if (ra < 0) ra += 360;
        return new double[] {ra, Math.asin(Math.max(-1, Math.min(1, v[2] / n))) * R2D};
    }

    /** Angular separation in degrees of two unit vectors (stable for tiny angles). */
    static double separationDeg(double[] a, double[] b) {
        double cx = a[1] * b[2] - a[2] * b[1];
        double cy = a[2] * b[0] - a[0] * b[2];
        double cz = a[0] * b[1] - a[1] * b[0];
        double sin = Math.sqrt(cx * cx + cy * cy + cz * cz);
        double cos = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
        return Math.atan2(sin, cos) * R2D;
    }

    /** World centre of a w×h image: pixel ((w-1)/2, (h-1)/2). */
    static double[] centre(Wcs wcs, int w, int h) {
        double[] out = new double[2];
        wcs.pixelToWorld((w - 1) / 2.0, (h - 1) / 2.0, out);
        return out;
    }

    /** Normalised mean of unit vectors (the spherical centroid); null when they cancel. */
    static double[] centroid(double[][] units) {
        double x = 0, y = 0, z = 0;
        for (double[] u : units) { x += u[0]; y += u[1]; z += u[2]; }
        double n = Math.sqrt(x * x + y * y + z * z);
        if (!(n > 0)) return null;
        return new double[] {x / n, y / n, z / n};
    }
}
