package org.tessera.synth;

import org.tessera.io.BayerPattern;

/**
 * Adds one star to an image: its PSF integrated over each pixel (sub-sampled where the profile is
 * steep), cut at a radius where the wings fall below a small fraction of an ADU, and normalised
 * so that the stamp holds exactly the star's flux (when it lies wholly inside the image).
 */
final class StarPainter {

    private StarPainter() {}

    /** Surface brightness (output units per pixel) below which the wings are cut. */
    private static final double WING_CUTOFF = 0.005;

    /**
     * @param x0 0-based pixel position of the star centre
     * @param flux flux per channel {R, G, B} in output units
     * @param planes 3 planes (RGB), or 1 plane: the CFA site colour when cfa is given, else the mean flux
     */
    static void paint(double x0, double y0, double[] flux, Psf psf, double fwhmPx,
                      float[][] planes, int w, int h, BayerPattern cfa) {
        double maxFlux = Math.max(flux[0], Math.max(flux[1], flux[2]));
        if (!(maxFlux > 0) || !Double.isFinite(x0) || !Double.isFinite(y0)) return;
        double eps = Math.min(1e-3, Math.max(1e-7, WING_CUTOFF / (maxFlux * psf.peakDensity(fwhmPx))));
        double r = Math.min(60 * fwhmPx, Math.max(Math.max(1.5, 2 * fwhmPx), psf.radiusAt(eps, fwhmPx)));
        if (x0 + r < -0.5 || x0 - r > w - 0.5 || y0 + r < -0.5 || y0 - r > h - 0.5) return;

        int ix0 = (int) Math.floor(x0 - r), ix1 = (int) Math.ceil(x0 + r);
        int iy0 = (int) Math.floor(y0 - r), iy1 = (int) Math.ceil(y0 + r);
        int sw = ix1 - ix0 + 1, sh = iy1 - iy0 + 1;
        double[] stamp = new double[sw * sh];
        double r2max = r * r;
        // Sub-sample the core, where a pixel-centre sample would misjudge the integral.
        double coreR = 1.5 * fwhmPx + 1;
        int n = fwhmPx >= 2 ? 5 : fwhmPx >= 1.2 ? 7 : 9;
        Psf.Shape shape = psf.shape(fwhmPx);
        double sum = 0;
        for (int j = 0; j < sh; j++) {
            double dy = iy0 + j - y0;
            for (int i = 0; i < sw; i++) {
                double dx = ix0 + i - x0;
                double d2 = dx * dx + dy * dy;
                double v;
                if (d2 < coreR * coreR) {
                    v = 0;
                    for (int b = 0; b < n; b++) {
                        double sy = dy + (b + 0.5) / n - 0.5;
                        for (int a = 0; a < n; a++) {
                            double sx = dx + (a + 0.5) / n - 0.5;
                            double s2 = sx * sx + sy * sy;
                            if (s2 <= r2max) v += shape.at(s2);
                        }
                    }
                    v /= n * n;
                } else {
                    v = d2 <= r2max ? shape.at(d2) : 0;
                }
                stamp[j * sw + i] = v;
                sum += v;
            }
        }
        if (!(sum > 0)) return;

        double mean = (flux[0] + flux[1] + flux[2]) / 3;
        for (int j = 0; j < sh; j++) {
            int y = iy0 + j;
            if (y < 0 || y >= h) continue;
            for (int i = 0; i < sw; i++) {
                int x = ix0 + i;
                if (x < 0 || x >= w) continue;
                double v = stamp[j * sw + i] / sum;
                if (v == 0) continue;
                int idx = y * w + x;
                if (planes.length == 3) {
                    for (int c = 0; c < 3; c++) planes[c][idx] += (float) (flux[c] * v);
                } else {
                    planes[0][idx] += (float) ((cfa != null ? flux[cfa.colorAt(x, y)] : mean) * v);
                }
            }
        }
    }
}
