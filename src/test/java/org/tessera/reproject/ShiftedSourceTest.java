package org.tessera.reproject;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;

import org.junit.jupiter.api.Test;
import org.tessera.image.FloatImage;
import org.tessera.image.RowSource;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.WcsGrid;

/**
 * Frames already on the target grid, or a whole number of pixels off it, are read straight
 * through: the same pixels the bilinear resampling gives there (to 1e-6), the same footprint and
 * holes, and anything else (a sub-pixel shift beyond 1e-3 px, a rotation) is still resampled.
 */
class ShiftedSourceTest {

    static final FitsWcs SRC = TestSkies.tan(150.0, 30.0, 2.0, 0, 300, 200);

    /** Two channels of stars on a sky, a NaN hole in both, and pixels NaN or infinite in one channel only. */
    static FloatImage frame() {
        TestSkies.Star[] stars = TestSkies.stars(SRC, 300, 200, 40, 5, 3);
        FloatImage img = new FloatImage(300, 200, 2);
        for (int c = 0; c < 2; c++) {
            FloatImage ch = TestSkies.render(SRC, 300, 200, stars, 1.4, 100 + 50 * c, 4, 9 + c);
            System.arraycopy(ch.plane(0), 0, img.plane(c), 0, 300 * 200);
        }
        for (int y = 50; y < 60; y++) for (int x = 100; x < 120; x++) { img.set(0, x, y, Float.NaN); img.set(1, x, y, Float.NaN); }
        img.set(1, 200, 150, Float.NaN);
        img.set(0, 30, 40, Float.POSITIVE_INFINITY);
        return img;
    }

    private static float[][] read(RowSource s) throws IOException {
        float[][] band = s.newBand(s.height());
        s.readRows(0, s.height(), band);
        return band;
    }

    private static void assertSameAsResampled(FloatImage img, WcsGrid target) throws IOException {
        RowSource fast = ShiftedSource.onGrid(img, SRC, target);
        assertInstanceOf(ShiftedSource.class, fast, "a whole-pixel shift is read straight through");
        float[][] a = read(fast), b = read(new ReprojectedSource(img, SRC, target));
        int finite = 0;
        for (int c = 0; c < 2; c++)
            for (int i = 0; i < a[c].length; i++) {
                assertEquals(Float.isNaN(b[c][i]), Float.isNaN(a[c][i]), "footprint and holes, channel " + c + " pixel " + i);
                if (Float.isNaN(a[c][i])) continue;
                finite++;
                assertEquals(b[c][i], a[c][i], 1e-6 * Math.abs(b[c][i]), "channel " + c + " pixel " + i);
            }
        assertTrue(finite > 1000, "pixels compared: " + finite);
    }

    @Test
    void theIdentityReadsTheFrameAsTheResamplingDoes() throws IOException {
        assertSameAsResampled(frame(), new WcsGrid(SRC, 300, 200));
        assertSameAsResampled(frame(), new WcsGrid(SRC, 250, 260)); // same WCS, other size: cut and padded
    }

    @Test
    void aWholePixelShiftReadsTheFrameAsTheResamplingDoes() throws IOException {
        assertSameAsResampled(frame(), new WcsGrid(SRC.shifted(7, -3), 300, 200));
        assertSameAsResampled(frame(), new WcsGrid(SRC.shifted(-40, 25), 380, 260));
        int[] s = ShiftedSource.wholePixelShift(SRC, new WcsGrid(SRC.shifted(7, -3), 300, 200));
        // FitsWcs.shifted(7, -3) moves CRPIX by (−7, +3): its pixel (x, y) is the source's (x + 7, y − 3).
        assertArrayEquals(new int[] {7, -3}, s);
    }

    /**
     * The frame's name passes through either view (RowSource.name), so that a frame the stack drops
     * is reported by its file; a whole-pixel shift gave none, and its drop went unnamed ("frame #k").
     */
    @Test
    void bothViewsKeepTheFramesName() {
        RowSource named = new org.tessera.image.RowSourceView(frame()) {
            @Override public String name() { return "Light_001.fit"; }
            @Override public void readRows(int y0, int rows, float[][] dst) throws IOException { source.readRows(y0, rows, dst); }
        };
        RowSource shifted = ShiftedSource.onGrid(named, SRC, new WcsGrid(SRC.shifted(7, -3), 300, 200));
        RowSource resampled = ShiftedSource.onGrid(named, SRC, new WcsGrid(SRC.shifted(7.5, -3), 300, 200));
        assertInstanceOf(ShiftedSource.class, shifted);
        assertInstanceOf(ReprojectedSource.class, resampled);
        assertEquals("Light_001.fit", shifted.name());
        assertEquals("Light_001.fit", resampled.name());
    }

    /**
     * Bit for bit the rule: target (x, y) is source (x, y + dy) when every channel there is finite,
     * else NaN in all channels; rows read straight into the band (all inside the source) and rows
     * partly outside it (copied), in bands that start anywhere.
     */
    @Test
    void aVerticalShiftKeepsThePixelsBitForBit() throws IOException {
        FloatImage two = frame(), img = new FloatImage(300, 200, 3); // RGB: the third channel with holes of its own
        for (int c = 0; c < 2; c++) System.arraycopy(two.plane(c), 0, img.plane(c), 0, 300 * 200);
        for (int i = 0; i < 300 * 200; i++) img.plane(2)[i] = two.plane(0)[(i * 7) % (300 * 200)] * 0.5f;
        img.set(2, 10, 20, Float.NEGATIVE_INFINITY);
        img.set(2, 11, 20, Float.NaN);
        img.set(2, 12, 20, -0f);
        for (FloatImage im : new FloatImage[] {two, img})
            for (int[] hd : new int[][] {{190, 4}, {200, 4}, {200, -3}})
                checkVerticalShift(im, hd[0], hd[1]);
    }

    private static void checkVerticalShift(FloatImage img, int h, int dy) throws IOException {
        int nc = img.channels();
        ShiftedSource s = new ShiftedSource(img, 300, h, 0, dy);
        for (int y0 = 0; y0 < h; y0 += 37) {
            int rows = Math.min(37, h - y0);
            float[][] band = s.newBand(rows);
            s.readRows(y0, rows, band);
            for (int r = 0; r < rows; r++)
                for (int x = 0; x < 300; x++) {
                    int sy = y0 + r + dy;
                    boolean ok = sy >= 0 && sy < 200;
                    for (int c = 0; c < nc && ok; c++) ok = Float.isFinite(img.get(c, x, sy));
                    for (int c = 0; c < nc; c++)
                        assertEquals(Float.floatToRawIntBits(ok ? img.get(c, x, sy) : Float.NaN),
                                Float.floatToRawIntBits(band[c][r * 300 + x]),
                                nc + " channels, h " + h + " dy " + dy + " x " + x + " y " + (y0 + r));
                }
        }
    }

    @Test
    void anythingElseIsResampled() {
        assertInstanceOf(ShiftedSource.class, ShiftedSource.onGrid(frame(), SRC, new WcsGrid(SRC.shifted(0.0004, 0), 300, 200)),
                "within 1e-3 px of a whole-pixel shift");
        assertInstanceOf(ReprojectedSource.class, ShiftedSource.onGrid(frame(), SRC, new WcsGrid(SRC.shifted(0.003, 0), 300, 200)));
        assertInstanceOf(ReprojectedSource.class, ShiftedSource.onGrid(frame(), SRC, new WcsGrid(SRC.shifted(2.5, 1), 300, 200)));
        assertInstanceOf(ReprojectedSource.class,
                ShiftedSource.onGrid(frame(), SRC, new WcsGrid(TestSkies.tan(150.0, 30.0, 2.0, 0.5, 300, 200), 300, 200)));
    }

    /**
     * What a resampling costs a star (stacking_resample_kernel): stars of 2.2 px FWHM
     * (pixel-integrated Gaussians, every sub-pixel phase) moved by half a pixel in x and y, the
     * worst phase for interpolation, and by (0.3, 0.2) px. Bilinear widens them by 15 % and 10 %
     * (measured: 1.150, 1.104; bench/science/starshape.py: 8.6 % averaged over phases on Moffat
     * stars), Lanczos-3 keeps them within 1.5 % (1.004, 1.002); a whole-pixel shift is read
     * straight through whatever the kernel.
     */
    @Test
    void lanczos3KeepsTheStarsWidthWhereBilinearWidensIt() throws IOException {
        int n = 8, cell = 20, w = n * cell, h = n * cell;
        double fwhm = 2.2, sigma = fwhm / (2 * Math.sqrt(2 * Math.log(2)));
        FitsWcs src = TestSkies.tan(150.0, 30.0, 2.0, 0, w, h);
        FloatImage img = new FloatImage(w, h, 1);
        java.util.Random r = new java.util.Random(5);
        double[][] at = new double[n * n][];
        for (int s = 0; s < n * n; s++) {
            double cx = (s % n) * cell + cell / 2.0 + r.nextDouble() - 0.5, cy = (s / n) * cell + cell / 2.0 + r.nextDouble() - 0.5;
            at[s] = new double[] {cx, cy};
            for (int y = (int) cy - 8; y <= (int) cy + 8; y++)
                for (int x = (int) cx - 8; x <= (int) cx + 8; x++)
                    img.set(0, x, y, img.get(0, x, y) + (float) (1000 * org.tessera.io.StarFits.pixelGaussian(x - cx, y - cy, sigma)));
        }
        for (int i = 0; i < w * h; i++) img.plane(0)[i] += 100;
        double[][] expect = {{1.15, 1.0}, {1.10, 1.0}}; // bilinear, lanczos3 at each shift
        double[][] shifts = {{0.5, 0.5}, {0.3, 0.2}};
        for (int k = 0; k < shifts.length; k++) {
            WcsGrid grid = new WcsGrid(src.shifted(shifts[k][0], shifts[k][1]), w, h);
            for (Kernel kernel : new Kernel[] {Kernel.BILINEAR, Kernel.LANCZOS3}) {
                float[] out = read(ShiftedSource.onGrid(img, src, grid, kernel))[0];
                double[] f = new double[n * n];
                for (int s = 0; s < n * n; s++) // target pixel (x, y) is source (x + dx, y + dy)
                    f[s] = org.tessera.io.StarFits.fwhm(out, w, at[s][0] - shifts[k][0], at[s][1] - shifts[k][1], 100);
                java.util.Arrays.sort(f);
                double ratio = f[f.length / 2] / fwhm;
                assertEquals(expect[k][kernel == Kernel.BILINEAR ? 0 : 1], ratio, kernel == Kernel.BILINEAR ? 0.02 : 0.015,
                        kernel + " at shift " + shifts[k][0] + "," + shifts[k][1] + ": FWHM ratio " + ratio);
            }
        }
        // a whole-pixel shift: read straight through, not resampled, with either kernel
        assertTrue(ShiftedSource.onGrid(img, src, new WcsGrid(src.shifted(3, -2), w, h), Kernel.LANCZOS3) instanceof ShiftedSource);
    }
}
