package org.tessera.reproject;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.tessera.image.FloatImage;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.WcsGrid;

/**
 * Overlapping tiles cut from one synthetic sky (gradient, a nebula, stars), each with its own
 * TAN projection, noise, gain and offset: the seams a coadd must remove.
 */
final class SyntheticMosaic {

    static final double RA = 200.0, DEC = 40.0, SCALE = 2.0; // arcsec / px

    final int tileW, tileH;
    final double sky, noise;
    final List<FitsWcs> wcs = new ArrayList<>();
    /**
     * Per tile {gain, offset}, {gain, offset, gradX, gradY} (a gradient in ADU per tile pixel about
     * its centre) or {gain, offset, gradX, gradY, noise factor} (the noise before the gain: 1/gain
     * leaves the tile with the noise {@code noise} whatever its gain).
     */
    final List<double[]> gainOffset = new ArrayList<>();
    final TestSkies.Star[] stars;
    final WcsGrid grid;

    /**
     * @param cols, rows  tiles across and down
     * @param step        offset between neighbouring tile centres, as a fraction of the tile size
     */
    SyntheticMosaic(int cols, int rows, int tileW, int tileH, double step, double sky, double noise, long seed) {
        this(cols, rows, tileW, tileH, step, sky, noise, seed, 60);
    }

    /** @param nStars stars over the whole grid (60 by default) */
    SyntheticMosaic(int cols, int rows, int tileW, int tileH, double step, double sky, double noise, long seed, int nStars) {
        this.tileW = tileW;
        this.tileH = tileH;
        this.sky = sky;
        this.noise = noise;
        int gw = (int) Math.ceil(tileW * (1 + step * (cols - 1))) + 20, gh = (int) Math.ceil(tileH * (1 + step * (rows - 1))) + 20;
        grid = new WcsGrid(TestSkies.tan(RA, DEC, SCALE, 0, gw, gh), gw, gh);
        double[] t = new double[2];
        for (int j = 0; j < rows; j++)
            for (int i = 0; i < cols; i++) {
                // Tile centre in grid pixels, with a sub-pixel offset so nothing lands on integers.
                double cx = 10 + tileW / 2.0 + i * step * tileW + 0.37, cy = 10 + tileH / 2.0 + j * step * tileH + 0.21;
                grid.wcs().pixelToWorld(cx, cy, t);
                wcs.add(TestSkies.tan(t[0], t[1], SCALE, 0, tileW, tileH));
                gainOffset.add(new double[] {1, 0});
            }
        stars = TestSkies.stars(grid.wcs(), gw, gh, nStars, 5, seed);
    }

    /** The noiseless sky at a world position (ADU per pixel). */
    double truth(double ra, double dec, double[] t) {
        grid.wcs().worldToPixel(ra, dec, t);
        double x = t[0], y = t[1];
        double cx = grid.width() / 2.0, cy = grid.height() / 2.0;
        double neb = 400 * Math.exp(-0.5 * (Math.pow((x - cx) / 70, 2) + Math.pow((y - cy) / 55, 2)));
        return sky + 0.05 * x + 0.03 * y + neb;
    }

    /** Renders tile k: gain·(truth + stars + noise) + offset [+ its own gradient]. */
    FloatImage tile(int k, long seed) {
        FitsWcs w = wcs.get(k);
        FloatImage img = TestSkies.render(w, tileW, tileH, stars, 1.5, 0, 0, 0);
        float[] p = img.plane(0);
        double[] t = new double[2], u = new double[2];
        Random rnd = new Random(seed);
        double[] go = gainOffset.get(k);
        double g = go[0], o = go[1], gx = go.length > 2 ? go[2] : 0, gy = go.length > 3 ? go[3] : 0;
        double nf = go.length > 4 ? go[4] : 1;
        for (int y = 0; y < tileH; y++)
            for (int x = 0; x < tileW; x++) {
                w.pixelToWorld(x, y, t);
                double v = p[y * tileW + x] + truth(t[0], t[1], u) + nf * noise * rnd.nextGaussian();
                p[y * tileW + x] = (float) (g * v + o + gx * (x - tileW / 2.0) + gy * (y - tileH / 2.0));
            }
        return img;
    }

    List<CoaddInput> inputs(long seed) {
        List<CoaddInput> in = new ArrayList<>();
        for (int k = 0; k < wcs.size(); k++) in.add(CoaddInput.of("tile" + k, tile(k, seed + k), wcs.get(k)));
        return in;
    }
}
