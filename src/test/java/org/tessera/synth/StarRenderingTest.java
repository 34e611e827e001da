package org.tessera.synth;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.Projection;
import org.tessera.wcs.Wcs;

class StarRenderingTest {

    private static final double SCALE = 2.4; // arcsec per pixel

    /** A TAN grid of w×h pixels rotated by rotDeg around (ra, dec). */
    static FitsWcs grid(double ra, double dec, double rotDeg, double scaleArcsec, int w, int h) throws Exception {
        double s = scaleArcsec / 3600, r = Math.toRadians(rotDeg);
        return new FitsWcs(Projection.forCode("TAN"), (w + 1) / 2.0, (h + 1) / 2.0, ra, dec,
                s * Math.cos(r), -s * Math.sin(r), s * Math.sin(r), s * Math.cos(r));
    }

    /** {sum, cx, cy, second moment about the centroid along x} of one plane. */
    static double[] moments(float[] p, int w, int h) {
        double s = 0, sx = 0, sy = 0;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                double v = p[y * w + x];
                s += v;
                sx += v * x;
                sy += v * y;
            }
        double cx = sx / s, cy = sy / s, mxx = 0;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) mxx += p[y * w + x] * (x - cx) * (x - cx);
        return new double[] {s, cx, cy, mxx / s};
    }

    private static void assertStarAt(Psf psf, double px, double py, double rotDeg) throws Exception {
        int w = 72, h = 64;
        FitsWcs wcs = grid(83.6, 22.0, rotDeg, SCALE, w, h);
        double[] world = new double[2];
        wcs.pixelToWorld(px, py, world);
        double flux = 25000;
        SkyModel sky = new SkyModel(List.of(new SkyModel.Star(world[0], world[1], flux, flux, flux)), List.of());
        float[][] planes = new float[3][w * h];
        sky.render(wcs, w, h, planes, null, psf, 1.0);

        double[] expected = new double[2];
        wcs.worldToPixel(world[0], world[1], expected);
        for (int c = 0; c < 3; c++) {
            double[] m = moments(planes[c], w, h);
            assertEquals(expected[0], m[1], 0.02, psf + " centroid x at (" + px + ", " + py + ")");
            assertEquals(expected[1], m[2], 0.02, psf + " centroid y at (" + px + ", " + py + ")");
            assertEquals(flux, m[0], 0.005 * flux, psf + " total flux");
        }
    }

    @Test
    void starCentroidLandsOnItsWcsPositionAndKeepsItsFlux() throws Exception {
        double[][] positions = {{35.0, 31.0}, {35.37, 30.81}, {36.5, 29.5}, {33.91, 32.26}};
        for (Psf psf : new Psf[] {Psf.moffat(3.0 * SCALE, 3.0), Psf.moffat(1.4 * SCALE, 2.5),
                Psf.gaussian(2.2 * SCALE), Psf.gaussian(1.1 * SCALE)})
            for (double[] p : positions)
                for (double rot : new double[] {0, 37.5})
                    assertStarAt(psf, p[0], p[1], rot);
    }

    @Test
    void gaussianWidthMatchesTheRequestedFwhm() throws Exception {
        int w = 64, h = 64;
        FitsWcs wcs = grid(10, -30, 0, SCALE, w, h);
        double[] world = new double[2];
        wcs.pixelToWorld(31.3, 32.1, world);
        SkyModel sky = new SkyModel(List.of(new SkyModel.Star(world[0], world[1], 1e5, 1e5, 1e5)), List.of());
        for (double fwhmPx : new double[] {2.0, 4.0}) {
            float[][] planes = new float[1][w * h];
            sky.render(wcs, w, h, planes, null, Psf.gaussian(fwhmPx * SCALE), 1.0);
            double[] m = moments(planes[0], w, h);
            // Pixel integration adds 1/12 px² to the variance of the profile.
            double sigma = Math.sqrt(m[3] - 1.0 / 12);
            assertEquals(fwhmPx, sigma * 2 * Math.sqrt(2 * Math.log(2)), 0.01 * fwhmPx, "FWHM " + fwhmPx);
        }
    }

    @Test
    void moffatHalfMaximumRadiusMatchesTheFwhm() {
        Psf m = Psf.moffat(7.2, 3.0);
        double fwhmPx = 3.0;
        assertEquals(0.5, m.profile(1.5 * 1.5, fwhmPx), 1e-12);
        assertEquals(1.5, m.radiusAt(0.5, fwhmPx), 1e-12);
        Psf g = Psf.gaussian(7.2);
        assertEquals(0.5, g.profile(1.5 * 1.5, fwhmPx), 1e-12);
    }

    @Test
    void starOnTheImageEdgeKeepsHalfItsFlux() throws Exception {
        int w = 40, h = 40;
        FitsWcs wcs = grid(200, 10, 0, SCALE, w, h);
        double[] world = new double[2];
        wcs.pixelToWorld(-0.5, 20.0, world); // on the left border of the first column
        SkyModel sky = new SkyModel(List.of(new SkyModel.Star(world[0], world[1], 1000, 1000, 1000)), List.of());
        float[][] planes = new float[1][w * h];
        sky.render(wcs, w, h, planes, null, Psf.moffat(3 * SCALE, 3), 1.0);
        assertEquals(500, moments(planes[0], w, h)[0], 2.0);
    }

    @Test
    void fluxIsConservedOnACoarserGrid() throws Exception {
        // The same star on a grid with 1.5x larger pixels: the same total, a 1.5x narrower image.
        FitsWcs fine = grid(120, 45, 10, SCALE, 64, 64);
        FitsWcs coarse = grid(120, 45, 10, SCALE * 1.5, 64, 64);
        double[] world = new double[2];
        fine.pixelToWorld(30.2, 33.7, world);
        SkyModel sky = new SkyModel(List.of(new SkyModel.Star(world[0], world[1], 5000, 5000, 5000)), List.of());
        float[][] a = new float[1][64 * 64], b = new float[1][64 * 64];
        sky.render(fine, 64, 64, a, null, Psf.gaussian(3 * SCALE), 1.0);
        sky.render(coarse, 64, 64, b, null, Psf.gaussian(3 * SCALE), 1.0);
        double[] ma = moments(a[0], 64, 64), mb = moments(b[0], 64, 64);
        assertEquals(5000, ma[0], 25);
        assertEquals(5000, mb[0], 25);
        double fwhmFine = Math.sqrt(ma[3] - 1.0 / 12), fwhmCoarse = Math.sqrt(mb[3] - 1.0 / 12);
        assertEquals(1.5, fwhmFine / fwhmCoarse, 0.02);
        double[] p = new double[2];
        coarse.worldToPixel(world[0], world[1], p);
        assertEquals(p[0], mb[1], 0.02);
        assertEquals(p[1], mb[2], 0.02);
    }

    @Test
    void nebulaSurfaceBrightnessScalesWithPixelArea() throws Exception {
        double ra = 50, dec = 20;
        SkyModel sky = new SkyModel(List.of(), List.of(new SkyModel.Blob(ra, dec, 60, 30, 30, 2.0, 1.0, 0.5)));
        Wcs wcs = grid(ra, dec, 0, SCALE, 41, 41);
        float[][] planes = new float[3][41 * 41];
        sky.render(wcs, 41, 41, planes, null, Psf.gaussian(5), 1.0);
        // Centre pixel = peak × pixel area (arcsec²); total ≈ 2π σa σb × peak.
        int centre = 20 * 41 + 20;
        assertEquals(2.0 * SCALE * SCALE, planes[0][centre], 1e-3 * 2.0 * SCALE * SCALE);
        assertEquals(0.5 * SCALE * SCALE, planes[2][centre], 1e-3 * 0.5 * SCALE * SCALE);
        Wcs big = grid(ra, dec, 0, SCALE, 201, 201);
        float[][] all = new float[1][201 * 201];
        sky.render(big, 201, 201, all, null, Psf.gaussian(5), 1.0);
        double total = moments(all[0], 201, 201)[0];
        double mean = (2.0 + 1.0 + 0.5) / 3;
        assertEquals(2 * Math.PI * 60 * 30 * mean, total, 0.01 * 2 * Math.PI * 60 * 30 * mean);
    }
}
