package org.tessera.wcs;

/**
 * The projections Tessera knows (Calabretta &amp; Greisen 2002, Paper II, §5): the zenithal TAN,
 * SIN (orthographic, optionally slant with PV2_1/PV2_2), ARC, ZEA, STG and the cylindrical CAR.
 * <p>
 * To add a zenithal projection, subclass {@link Zenithal} (two radial functions); any other kind
 * implements {@link Projection} directly and is registered in {@link #byCode}.
 */
public final class Projections {
    private Projections() {}

    static final double R2D = 180.0 / Math.PI;
    static final double D2R = Math.PI / 180.0;

    /** The codes {@link Projection#forCode} accepts. */
    public static final String SUPPORTED = "TAN, SIN, ARC, ZEA, STG, CAR";

    /**
     * A zenithal projection: R(theta) around the native pole, x = R sin(phi), y = −R cos(phi).
     * Expressed with the native unit vector n = (cos θ cos φ, cos θ sin φ, sin θ) so that
     * {@link FitsWcs} needs no trigonometry between pixel and native vector.
     */
    public abstract static class Zenithal implements Projection {
        private final String code;

        Zenithal(String code) {
            this.code = code;
        }

        @Override public final String code() { return code; }
        @Override public final double theta0() { return 90; }

        /**
         * R (degrees, ≥ 0) → out[0] = cos θ / R (per degree; its limit as R → 0), out[1] = sin θ;
         * both NaN when R is outside the projection's range.
         */
        abstract void radialToNative(double r, double[] out);

        /** R / cos θ in degrees for a native point with sin θ = nz and cos θ = rho (≥ 0); NaN when not representable. */
        abstract double radiusOverRho(double nz, double rho);

        @Override
        public final void toNative(double x, double y, double[] out) {
            double r = Math.sqrt(x * x + y * y);
            radialToNative(r, out);
            double k = out[0], s = out[1];
            if (Double.isNaN(k) || Double.isNaN(s)) { out[0] = out[1] = Double.NaN; return; }
            out[0] = r == 0 ? 0 : Math.atan2(x, -y) * R2D;
            out[1] = Math.atan2(s, k * r) * R2D;
        }

        @Override
        public final void fromNative(double phi, double theta, double[] out) {
            double t = theta * D2R, p = phi * D2R;
            double rho = Math.cos(t), nz = Math.sin(t);
            double g = radiusOverRho(nz, Math.max(0, rho));
            out[0] = g * rho * Math.sin(p);
            out[1] = -g * rho * Math.cos(p);
        }

        @Override public String toString() { return code; }
    }

    /** Gnomonic: R = cot θ. Points with θ ≤ 0 are behind the plane. */
    public static final Zenithal TAN = new Zenithal("TAN") {
        @Override
        void radialToNative(double r, double[] out) {
            double d = Math.sqrt(r * r + R2D * R2D);
            out[0] = 1 / d;
            out[1] = R2D / d;
        }

        @Override
        double radiusOverRho(double nz, double rho) {
            return nz > 0 ? R2D / nz : Double.NaN;
        }
    };

    /** Orthographic (PV2_1 = PV2_2 = 0): R = cos θ; only the hemisphere θ ≥ 0. */
    public static final Zenithal SIN = new Zenithal("SIN") {
        @Override
        void radialToNative(double r, double[] out) {
            double rr = r * D2R;
            if (!(rr <= 1)) { out[0] = out[1] = Double.NaN; return; }
            out[0] = D2R;
            out[1] = Math.sqrt((1 - rr) * (1 + rr));
        }

        @Override
        double radiusOverRho(double nz, double rho) {
            return nz >= 0 ? R2D : Double.NaN;
        }
    };

    /** Zenithal equidistant: R = 90° − θ; the whole sphere but the antipode of the reference. */
    public static final Zenithal ARC = new Zenithal("ARC") {
        @Override
        void radialToNative(double r, double[] out) {
            double t = r * D2R; // angle from the native pole
            if (!(t <= Math.PI)) { out[0] = out[1] = Double.NaN; return; }
            out[0] = t == 0 ? D2R : Math.sin(t) / r;
            out[1] = Math.cos(t);
        }

        @Override
        double radiusOverRho(double nz, double rho) {
            double t = Math.atan2(rho, nz);
            return rho == 0 ? (nz > 0 ? R2D : Double.NaN) : t * R2D / rho;
        }
    };

    /** Zenithal equal-area (Lambert): R = sqrt(2 (1 − sin θ)); the whole sphere but the antipode. */
    public static final Zenithal ZEA = new Zenithal("ZEA") {
        @Override
        void radialToNative(double r, double[] out) {
            double rr = r * D2R;
            if (!(rr <= 2)) { out[0] = out[1] = Double.NaN; return; }
            out[0] = D2R * Math.sqrt(1 - rr * rr / 4);
            out[1] = 1 - rr * rr / 2;
        }

        @Override
        double radiusOverRho(double nz, double rho) {
            return nz > -1 ? R2D * Math.sqrt(2 / (1 + nz)) : Double.NaN;
        }
    };

    /** Stereographic: R = 2 cos θ / (1 + sin θ); the whole sphere but the antipode. */
    public static final Zenithal STG = new Zenithal("STG") {
        @Override
        void radialToNative(double r, double[] out) {
            double h = r * D2R / 2, q = 1 + h * h;
            out[0] = D2R / q;
            out[1] = (1 - h * h) / q;
        }

        @Override
        double radiusOverRho(double nz, double rho) {
            return nz > -1 ? 2 * R2D / (1 + nz) : Double.NaN;
        }
    };

    /** Plate carrée: x = φ, y = θ; θ0 = 0, so the celestial rotation is the general one. */
    public static final Projection CAR = new Projection() {
        @Override public String code() { return "CAR"; }
        @Override public double theta0() { return 0; }

        @Override
        public void toNative(double x, double y, double[] out) {
            if (!(Math.abs(y) <= 90) || Double.isNaN(x)) { out[0] = out[1] = Double.NaN; return; }
            out[0] = x;
            out[1] = y;
        }

        @Override
        public void fromNative(double phi, double theta, double[] out) {
            out[0] = phi;
            out[1] = theta;
        }

        @Override public String toString() { return "CAR"; }
    };

    /** SIN with PV2_1 = xi, PV2_2 = eta; plain {@link #SIN} when both are zero. */
    public static Projection sin(double xi, double eta) {
        return xi == 0 && eta == 0 ? SIN : new SlantSin(xi, eta);
    }

    /** Slant orthographic (C&amp;G Paper II eq. 38–40; the NCP case is eta = cot δ0). */
    private static final class SlantSin implements Projection {
        private final double xi, eta;

        SlantSin(double xi, double eta) {
            this.xi = xi;
            this.eta = eta;
        }

        @Override public String code() { return "SIN"; }
        @Override public double theta0() { return 90; }
        @Override public double[] pv2() { return new double[] {xi, eta}; }

        @Override
        public void toNative(double x, double y, double[] out) {
            double X = x * D2R, Y = y * D2R;
            double a = 1 + xi * xi + eta * eta, b = 1 + X * xi + Y * eta, r2 = X * X + Y * Y;
            double disc = b * b - a * r2;
            if (!(disc >= 0) || b <= 0) { out[0] = out[1] = Double.NaN; return; }
            double t = r2 / (b + Math.sqrt(disc)); // 1 − sin θ, the root nearest the pole, stable form
            if (t > 2) { out[0] = out[1] = Double.NaN; return; }
            double px = X - xi * t, py = -(Y - eta * t);
            out[0] = (px == 0 && py == 0) ? 0 : Math.atan2(px, py) * R2D;
            out[1] = Math.asin(1 - t) * R2D;
        }

        @Override
        public void fromNative(double phi, double theta, double[] out) {
            double p = phi * D2R, t = theta * D2R;
            double sp = Math.sin(p), cp = Math.cos(p);
            // The part of the sphere the slant projection sees (wcslib sins2x).
            double limit = -Math.atan(xi * sp - eta * cp);
            if (t < limit) { out[0] = out[1] = Double.NaN; return; }
            double ct = Math.cos(t), one = 1 - Math.sin(t);
            out[0] = R2D * (ct * sp + xi * one);
            out[1] = -R2D * (ct * cp - eta * one);
        }

        @Override public String toString() { return "SIN(PV2_1=" + xi + ", PV2_2=" + eta + ")"; }
    }

    /** The projection of a code without PV parameters, or null when unknown. */
    public static Projection byCode(String code) {
        if (code == null) return null;
        return switch (code) {
            case "TAN" -> TAN;
            case "SIN" -> SIN;
            case "ARC" -> ARC;
            case "ZEA" -> ZEA;
            case "STG" -> STG;
            case "CAR" -> CAR;
            default -> null;
        };
    }
}
