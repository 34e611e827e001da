package org.tessera.synth;

/**
 * A circular point-spread function with its full width at half maximum in arcseconds, so that a
 * star looks the same on the sky whatever pixel grid it is rendered on. Profiles are unnormalised
 * (1 at the centre); {@link StarPainter} normalises each rendered stamp to the star's flux.
 */
public sealed interface Psf permits Psf.Moffat, Psf.Gaussian {

    double fwhmArcsec();

    /** The same shape with another FWHM. */
    Psf withFwhm(double fwhmArcsec);

    /** Profile at squared radius r2 (pixels²) for a FWHM of fwhmPx pixels; 1 at r = 0. */
    default double profile(double r2, double fwhmPx) {
        return shape(fwhmPx).at(r2);
    }

    /** The profile for a FWHM of fwhmPx pixels, with its constants computed once (for pixel loops). */
    Shape shape(double fwhmPx);

    /** A profile of squared radius (pixels²), 1 at the centre. */
    @FunctionalInterface
    interface Shape {
        double at(double r2);
    }

    /** Radius (pixels) where the profile falls to the fraction eps of its peak. */
    double radiusAt(double eps, double fwhmPx);

    /** Peak of the unit-flux surface density (per pixel²) for a FWHM of fwhmPx. */
    double peakDensity(double fwhmPx);

    static Psf moffat(double fwhmArcsec, double beta) { return new Moffat(fwhmArcsec, beta); }

    static Psf gaussian(double fwhmArcsec) { return new Gaussian(fwhmArcsec); }

    /** Moffat (1969): (1 + r²/α²)^−β, the usual seeing-limited profile; β ≈ 2.5–4.5 in practice. */
    record Moffat(double fwhmArcsec, double beta) implements Psf {
        public Moffat {
            if (!(fwhmArcsec > 0) || !(beta > 1)) throw new IllegalArgumentException("Moffat needs FWHM > 0 and beta > 1");
        }

        private double alpha(double fwhmPx) {
            return fwhmPx / (2 * Math.sqrt(Math.pow(2, 1 / beta) - 1));
        }

        @Override public Psf withFwhm(double f) { return new Moffat(f, beta); }

        @Override
        public Shape shape(double fwhmPx) {
            double a = alpha(fwhmPx), ia2 = 1 / (a * a), b = beta;
            if (b == 3) return r2 -> {
                double t = 1 + r2 * ia2;
                return 1 / (t * t * t);
            };
            return r2 -> Math.pow(1 + r2 * ia2, -b);
        }

        @Override
        public double radiusAt(double eps, double fwhmPx) {
            return alpha(fwhmPx) * Math.sqrt(Math.pow(eps, -1 / beta) - 1);
        }

        @Override
        public double peakDensity(double fwhmPx) {
            double a = alpha(fwhmPx);
            return (beta - 1) / (Math.PI * a * a);
        }
    }

    /** Gaussian exp(−r²/2σ²), σ = FWHM / 2.3548. */
    record Gaussian(double fwhmArcsec) implements Psf {
        private static final double FWHM_PER_SIGMA = 2 * Math.sqrt(2 * Math.log(2));

        public Gaussian {
            if (!(fwhmArcsec > 0)) throw new IllegalArgumentException("Gaussian needs FWHM > 0");
        }

        @Override public Psf withFwhm(double f) { return new Gaussian(f); }

        @Override
        public Shape shape(double fwhmPx) {
            double s = fwhmPx / FWHM_PER_SIGMA, k = -1 / (2 * s * s);
            return r2 -> Math.exp(r2 * k);
        }

        @Override
        public double radiusAt(double eps, double fwhmPx) {
            return fwhmPx / FWHM_PER_SIGMA * Math.sqrt(-2 * Math.log(eps));
        }

        @Override
        public double peakDensity(double fwhmPx) {
            double s = fwhmPx / FWHM_PER_SIGMA;
            return 1 / (2 * Math.PI * s * s);
        }
    }
}
