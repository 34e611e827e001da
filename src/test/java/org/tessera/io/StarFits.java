package org.tessera.io;

/**
 * The width of a star as bench/science/starshape.py measures it, for tests that assert star
 * shapes: a pixel-integrated circular Gaussian fitted at a known centre over a 13×13 px box, the
 * sky level known (amplitude by least squares, sigma by golden section).
 */
public final class StarFits {

    private StarFits() {}

    /** A unit-flux Gaussian of this sigma integrated over the pixel at offset (dx, dy) from its centre (5×5 samples). */
    public static double pixelGaussian(double dx, double dy, double s) {
        double sum = 0;
        for (int j = 0; j < 5; j++)
            for (int i = 0; i < 5; i++) {
                double u = dx + (i - 2) / 5.0, v = dy + (j - 2) / 5.0;
                sum += Math.exp(-(u * u + v * v) / (2 * s * s));
            }
        return sum / 25 / (2 * Math.PI * s * s);
    }

    /** FWHM (px) of the star centred at (cx, cy) of a row-major image of width w over the sky level. */
    public static double fwhm(float[] img, int w, double cx, double cy, double sky) {
        double lo = 0.3, hi = 2.5, g = (Math.sqrt(5) - 1) / 2;
        double a = hi - g * (hi - lo), b = lo + g * (hi - lo);
        double fa = misfit(img, w, cx, cy, sky, a), fb = misfit(img, w, cx, cy, sky, b);
        while (hi - lo > 1e-4) {
            if (fa < fb) { hi = b; b = a; fb = fa; a = hi - g * (hi - lo); fa = misfit(img, w, cx, cy, sky, a); }
            else { lo = a; a = b; fa = fb; b = lo + g * (hi - lo); fb = misfit(img, w, cx, cy, sky, b); }
        }
        return 2 * Math.sqrt(2 * Math.log(2)) * (lo + hi) / 2;
    }

    /** Residual sum of squares of the best amplitude times the pixel-integrated Gaussian of this sigma. */
    private static double misfit(float[] img, int w, double cx, double cy, double sky, double sigma) {
        int x0 = (int) Math.round(cx), y0 = (int) Math.round(cy);
        double svm = 0, smm = 0, svv = 0;
        for (int y = y0 - 6; y <= y0 + 6; y++)
            for (int x = x0 - 6; x <= x0 + 6; x++) {
                double v = img[y * w + x] - sky, m = pixelGaussian(x - cx, y - cy, sigma);
                svm += v * m; smm += m * m; svv += v * v;
            }
        return svv - svm * svm / smm;
    }
}
