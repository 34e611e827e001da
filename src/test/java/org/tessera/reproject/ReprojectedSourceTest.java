package org.tessera.reproject;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;

import org.junit.jupiter.api.Test;
import org.tessera.image.FloatImage;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.WcsGrid;

class ReprojectedSourceTest {

    static final double SKY = 100;

    /** Source: 600×500 at 2"/px; target: rotated 30°, 1.8"/px, offset: a generic resampling. */
    static final FitsWcs SRC = TestSkies.tan(150.0, 30.0, 2.0, 0, 600, 500);
    static final WcsGrid TARGET = new WcsGrid(TestSkies.tan(150.004, 29.997, 1.8, 30, 700, 700), 700, 700);

    @Test
    void starsKeepTheirPositionsAndFluxesBilinear() throws IOException {
        starsKeepTheirPositionsAndFluxes(Kernel.BILINEAR);
    }

    @Test
    void starsKeepTheirPositionsAndFluxesLanczos3() throws IOException {
        starsKeepTheirPositionsAndFluxes(Kernel.LANCZOS3);
    }

    private void starsKeepTheirPositionsAndFluxes(Kernel kernel) throws IOException {
        TestSkies.Star[] stars = TestSkies.stars(SRC, 600, 500, 25, 40, 7);
        FloatImage src = TestSkies.render(SRC, 600, 500, stars, 2.0, SKY, 0, 1);
        FloatImage out = FloatImage.copyOf(new ReprojectedSource(src, SRC, TARGET, kernel));
        double areaRatio = Math.pow(1.8 / 2.0, 2); // target pixel area / source pixel area
        double[] t = new double[2];
        int checked = 0;
        for (TestSkies.Star s : stars) {
            if (crowded(s, stars)) continue; // a neighbour inside the box would bias the centroid
            TARGET.wcs().worldToPixel(s.ra(), s.dec(), t);
            double[] m = moments(out, t[0], t[1], 10);
            if (m == null) continue; // too close to the rotated footprint's edge
            checked++;
            assertEquals(t[0], m[0], 0.05, kernel + " x of star at " + t[0] + "," + t[1]);
            assertEquals(t[1], m[1], 0.05, kernel + " y of star at " + t[0] + "," + t[1]);
            assertEquals(s.flux(), m[2] * areaRatio, 0.005 * s.flux(), kernel + " flux");
        }
        assertTrue(checked >= 15, "stars checked: " + checked);
    }

    /** True when another star lies within 30" (17 target pixels). */
    static boolean crowded(TestSkies.Star s, TestSkies.Star[] all) {
        for (TestSkies.Star o : all) {
            if (o == s) continue;
            double dra = (o.ra() - s.ra()) * Math.cos(Math.toRadians(s.dec())), dd = o.dec() - s.dec();
            if (Math.hypot(dra, dd) * 3600 < 30) return true;
        }
        return false;
    }

    /** Centroid and sky-subtracted sum in a box of radius r, or null when the box leaves the data. */
    static double[] moments(FloatImage img, double cx, double cy, int r) {
        int x0 = (int) Math.round(cx) - r, y0 = (int) Math.round(cy) - r;
        if (x0 < 0 || y0 < 0 || x0 + 2 * r >= img.width() || y0 + 2 * r >= img.height()) return null;
        double s = 0, sx = 0, sy = 0;
        for (int y = y0; y <= y0 + 2 * r; y++)
            for (int x = x0; x <= x0 + 2 * r; x++) {
                float v = img.get(0, x, y);
                if (Float.isNaN(v)) return null;
                double d = v - SKY;
                s += d;
                sx += d * x;
                sy += d * y;
            }
        return new double[] {sx / s, sy / s, s};
    }

    @Test
    void aTileOnItsOwnGridIsItself() throws IOException {
        TestSkies.Star[] stars = TestSkies.stars(SRC, 600, 500, 40, 10, 3);
        FloatImage src = TestSkies.render(SRC, 600, 500, stars, 1.2, SKY, 5, 2);
        for (Kernel kernel : Kernel.values()) {
            FloatImage out = FloatImage.copyOf(new ReprojectedSource(src, SRC, new WcsGrid(SRC, 600, 500), kernel));
            float[] a = src.plane(0), b = out.plane(0);
            for (int i = 0; i < a.length; i++)
                assertEquals(a[i], b[i], 2e-6f * Math.abs(a[i]) + 1e-6f, kernel + " pixel " + i);
        }
    }

    @Test
    void outsideTheFootprintIsNaNAndInsideIsNot() throws IOException {
        FloatImage src = TestSkies.render(SRC, 600, 500, new TestSkies.Star[0], 1, SKY, 0, 0);
        FloatImage out = FloatImage.copyOf(new ReprojectedSource(src, SRC, TARGET));
        double[] t = new double[2];
        int inside = 0, outside = 0;
        for (int y = 0; y < 700; y += 3)
            for (int x = 0; x < 700; x += 3) {
                TARGET.wcs().pixelToWorld(x, y, t);
                SRC.worldToPixel(t[0], t[1], t);
                float v = out.get(0, x, y);
                // Skip a thin shell around the edge where interpolated and exact mapping may disagree.
                boolean in = t[0] > -0.49 && t[0] < 599.49 && t[1] > -0.49 && t[1] < 499.49;
                boolean out2 = t[0] < -0.51 || t[0] > 599.51 || t[1] < -0.51 || t[1] > 499.51;
                if (in) { inside++; assertEquals(SKY, v, 1e-3, "inside at " + x + "," + y); }
                if (out2) { outside++; assertTrue(Float.isNaN(v), "outside at " + x + "," + y); }
            }
        assertTrue(inside > 11000 && outside > 5500, inside + " / " + outside);
    }

    @Test
    void holesStayHolesAndDoNotDarkenTheirBorder() throws IOException {
        FloatImage src = TestSkies.render(SRC, 600, 500, new TestSkies.Star[0], 1, SKY, 0, 0);
        for (int y = 200; y < 260; y++) for (int x = 300; x < 340; x++) src.set(0, x, y, Float.NaN);
        FloatImage out = FloatImage.copyOf(new ReprojectedSource(src, SRC, TARGET));
        double[] t = new double[2];
        int nan = 0;
        for (int y = 0; y < 700; y++)
            for (int x = 0; x < 700; x++) {
                float v = out.get(0, x, y);
                if (Float.isNaN(v)) {
                    TARGET.wcs().pixelToWorld(x, y, t);
                    SRC.worldToPixel(t[0], t[1], t);
                    if (t[0] > 0 && t[0] < 599 && t[1] > 0 && t[1] < 499) {
                        nan++;
                        assertTrue(t[0] > 299.4 && t[0] < 339.6 && t[1] > 199.4 && t[1] < 259.6, "NaN outside the hole at " + t[0] + "," + t[1]);
                    }
                } else {
                    assertEquals(SKY, v, 1e-3, "a valid pixel next to the hole keeps the sky level");
                }
            }
        // The hole is 40×60 source pixels = 2400 × (2/1.8)² target pixels.
        assertEquals(2400 * Math.pow(2 / 1.8, 2), nan, 120);
    }

    /** Every kernel, the exact one included: bands of any size give the same pixels. */
    @Test
    void bandsOfAnySizeGiveTheSamePixels() throws IOException {
        TestSkies.Star[] stars = TestSkies.stars(SRC, 600, 500, 30, 10, 5);
        FloatImage src = TestSkies.render(SRC, 600, 500, stars, 1.5, SKY, 3, 4);
        for (Kernel kernel : Kernel.values()) {
            ReprojectedSource rs = new ReprojectedSource(src, SRC, TARGET, kernel);
            FloatImage whole = FloatImage.copyOf(rs);
            FloatImage pieces = new FloatImage(700, 700, 1);
            for (int y = 0; y < 700; ) {
                int n = Math.min(700 - y, 1 + (y * 7919) % 53);
                float[][] b = rs.newBand(n);
                rs.readRows(y, n, b);
                pieces.writeRows(y, n, b);
                y += n;
            }
            assertArrayEquals(whole.plane(0), pieces.plane(0), kernel.toString());
        }
    }

    @Test
    void lanczosKeepsStarPeaksSharperThanBilinear() throws IOException {
        TestSkies.Star[] stars = TestSkies.stars(SRC, 600, 500, 25, 40, 9);
        FloatImage src = TestSkies.render(SRC, 600, 500, stars, 1.0, SKY, 0, 1);
        FloatImage bl = FloatImage.copyOf(new ReprojectedSource(src, SRC, TARGET, Kernel.BILINEAR));
        FloatImage lz = FloatImage.copyOf(new ReprojectedSource(src, SRC, TARGET, Kernel.LANCZOS3));
        double pb = 0, pl = 0;
        for (int i = 0; i < bl.plane(0).length; i++) {
            if (!Float.isNaN(bl.plane(0)[i])) pb += Math.pow(bl.plane(0)[i] - SKY, 2);
            if (!Float.isNaN(lz.plane(0)[i])) pl += Math.pow(lz.plane(0)[i] - SKY, 2);
        }
        // Bilinear smooths undersampled stars: less power at the peaks.
        assertTrue(pl > 1.05 * pb, "lanczos " + pl + " vs bilinear " + pb);
    }
}
