package org.tessera.synth;

/**
 * Colour of a star from its temperature: black-body intensity at the effective wavelengths of the
 * R, G and B filters (610, 530, 465 nm), relative to a 6500 K star (white), normalised to mean 1.
 */
final class StarColour {

    private StarColour() {}

    private static final double[] LAMBDA_M = {610e-9, 530e-9, 465e-9};
    private static final double HC_OVER_K = 1.438777e-2; // m·K

    static double[] factors(double temperatureK) {
        double[] f = new double[3];
        double sum = 0;
        for (int c = 0; c < 3; c++) {
            f[c] = planck(LAMBDA_M[c], temperatureK) / planck(LAMBDA_M[c], 6500);
            sum += f[c];
        }
        for (int c = 0; c < 3; c++) f[c] *= 3 / sum;
        return f;
    }

    private static double planck(double lambda, double t) {
        return 1 / (Math.pow(lambda, 5) * Math.expm1(HC_OVER_K / (lambda * t)));
    }
}
