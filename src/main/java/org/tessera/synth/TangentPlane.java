package org.tessera.synth;

/** Gnomonic standard coordinates (ξ east, η north, degrees) around a tangent point. */
final class TangentPlane {

    private TangentPlane() {}

    private static final double D2R = Math.PI / 180, R2D = 180 / Math.PI;

    /** (ra, dec) → {ξ, η} in degrees relative to (ra0, dec0); NaN behind the tangent plane. */
    static void toStandard(double ra0, double dec0, double ra, double dec, double[] out) {
        double d0 = dec0 * D2R, d = dec * D2R, da = (ra - ra0) * D2R;
        double cosd = Math.cos(d), sind = Math.sin(d), cosd0 = Math.cos(d0), sind0 = Math.sin(d0);
        double den = sind * sind0 + cosd * cosd0 * Math.cos(da);
        if (den <= 0) { out[0] = out[1] = Double.NaN; return; }
        out[0] = R2D * cosd * Math.sin(da) / den;
        out[1] = R2D * (sind * cosd0 - cosd * sind0 * Math.cos(da)) / den;
    }

    /** {ξ, η} in degrees around (ra0, dec0) → {ra, dec} in degrees, ra in [0, 360). */
    static void fromStandard(double ra0, double dec0, double xi, double eta, double[] out) {
        double x = xi * D2R, y = eta * D2R, d0 = dec0 * D2R;
        double den = Math.cos(d0) - y * Math.sin(d0);
        double ra = ra0 + R2D * Math.atan2(x, den);
        double dec = R2D * Math.atan2(Math.sin(d0) + y * Math.cos(d0), Math.hypot(x, den));
        ra %= 360;
        if (ra < 0) ra += 360;
        out[0] = ra;
        out[1] = dec;
    }
}
