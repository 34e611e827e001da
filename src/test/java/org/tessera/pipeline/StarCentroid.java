package org.tessera.pipeline;

import java.io.IOException;
import java.util.Arrays;

import org.tessera.image.RowSource;

/**
 * Measures a star's centroid in an image the way {@code fixtures/pipeline/make_star_fixtures.py}
 * measured it in the raw frames, so that both sides of the acceptance test use one definition of
 * "where the star is": channels summed; iterative first moment in a soft-edged circle of radius
 * {@link #R_CENT} around the current estimate, with the median of the annulus
 * {@link #R_IN}..{@link #R_OUT} subtracted as local background, until it moves less than 1e-4 px.
 * The soft edge (weight falling linearly from 1 to 0 across R_CENT ± 0.5) makes the centroid a
 * continuous function of the aperture centre, so the iteration settles instead of flipping between
 * two pixel sets.
 */
final class StarCentroid {
    private StarCentroid() {}

    static final double R_CENT = 5, R_IN = 9, R_OUT = 13;
    /** Half size of the patch read around the start point: room for the annulus and some drift. */
    static final int HALF = (int) Math.ceil(R_OUT) + 6;

    enum Status { FOUND, OUTSIDE, NAN_IN_WINDOW, NO_SIGNAL, NO_CONVERGENCE }

    /** Where the star was found (0-based image pixels) and its background-subtracted aperture sum. */
    record Result(Status status, double x, double y, double flux) {
        boolean found() { return status == Status.FOUND; }
    }

    /** Reads the patch around (x0, y0) from {@code image} and measures the star from there. */
    static Result measure(RowSource image, double x0, double y0) throws IOException {
        int cx = (int) Math.round(x0), cy = (int) Math.round(y0);
        int w = image.width(), h = image.height();
        if (!(cx - HALF >= 0 && cy - HALF >= 0 && cx + HALF < w && cy + HALF < h))
            return new Result(Status.OUTSIDE, x0, y0, Double.NaN);
        int n = 2 * HALF + 1;
        float[][] band = image.newBand(n);
        image.readRows(cy - HALF, n, band);
        double[] patch = new double[n * n];
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++) {
                double s = 0;
                for (float[] ch : band) s += ch[y * w + cx - HALF + x]; // NaN in any channel → NaN
                patch[y * n + x] = s;
            }
        Result r = measure(patch, n, x0 - (cx - HALF), y0 - (cy - HALF));
        return new Result(r.status(), r.x() + cx - HALF, r.y() + cy - HALF, r.flux());
    }

    /** The same on a square patch of side n (patch coordinates). */
    static Result measure(double[] patch, int n, double x0, double y0) {
        int r = (int) Math.ceil(R_OUT) + 2;
        double x = x0, y = y0, flux = Double.NaN;
        double[] annulus = new double[(2 * r + 1) * (2 * r + 1)];
        for (int it = 0; it < 100; it++) {
            int ix = (int) Math.round(x), iy = (int) Math.round(y);
            if (ix - r < 0 || iy - r < 0 || ix + r >= n || iy + r >= n) return new Result(Status.OUTSIDE, x, y, flux);
            int na = 0;
            for (int py = iy - r; py <= iy + r; py++)
                for (int px = ix - r; px <= ix + r; px++) {
                    double v = patch[py * n + px], d = Math.hypot(px - x, py - y);
                    if (d > R_OUT) continue;
                    if (Double.isNaN(v)) return new Result(Status.NAN_IN_WINDOW, x, y, flux);
                    if (d >= R_IN) annulus[na++] = v;
                }
            Arrays.sort(annulus, 0, na);
            double bg = na % 2 == 1 ? annulus[na / 2] : 0.5 * (annulus[na / 2 - 1] + annulus[na / 2]);
            double s = 0, sx = 0, sy = 0;
            for (int py = iy - r; py <= iy + r; py++)
                for (int px = ix - r; px <= ix + r; px++) {
                    double wt = Math.min(1, Math.max(0, R_CENT + 0.5 - Math.hypot(px - x, py - y)));
                    if (wt == 0) continue;
                    double a = (patch[py * n + px] - bg) * wt;
                    s += a;
                    sx += a * px;
                    sy += a * py;
                }
            if (!(s > 0)) return new Result(Status.NO_SIGNAL, x, y, s);
            double nx = sx / s, ny = sy / s, moved = Math.hypot(nx - x, ny - y);
            x = nx;
            y = ny;
            flux = s;
            if (moved < 1e-4) return new Result(Status.FOUND, x, y, flux);
        }
        return new Result(Status.NO_CONVERGENCE, x, y, flux);
    }
}
