package org.tessera.wcs;

/** The projections Tessera knows. */
final class Projections {
    private Projections() {}

    private static final double R2D = 180.0 / Math.PI;
    private static final double D2R = Math.PI / 180.0;

    /** Gnomonic. */
    static final Projection TAN = new Projection() {
        @Override public String code() { return "TAN"; }
        @Override public double theta0() { return 90; }

        @Override
        public void toNative(double x, double y, double[] out) {
            double r = Math.hypot(x, y);
            out[0] = r == 0 ? 0 : Math.atan2(x, -y) * R2D;
            out[1] = Math.atan2(R2D, r) * R2D;
        }

        @Override
        public void fromNative(double phi, double theta, double[] out) {
            double s = Math.sin(theta * D2R);
            if (s <= 0) { out[0] = out[1] = Double.NaN; return; }
            double r = R2D * Math.cos(theta * D2R) / s;
            double p = phi * D2R;
            out[0] = r * Math.sin(p);
            out[1] = -r * Math.cos(p);
        }
    };

    static Projection byCode(String code) {
        return "TAN".equals(code) ? TAN : null;
    }
}
