package org.tessera.reproject;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tessera.config.Config;
import org.tessera.image.FloatImage;
import org.tessera.image.RowSource;

/**
 * Final background extraction on a synthetic mosaic: a light-pollution gradient of 20% of the sky
 * (linear plus curvature, different per channel) is removed to < 1% of the sky, while star fluxes
 * and a large planted nebula keep within 2%.
 */
class FinalBackgroundTest {

    static final int W = 720, H = 480;
    static final double SKY = 1000;
    static final double[][] STARS = stars();
    static final double NEB_X = 470, NEB_Y = 200, NEB_SIGMA = 45, NEB_PEAK = 350;

    static double[][] stars() {
        Random r = new Random(7);
        double[][] s = new double[80][];
        for (int i = 0; i < s.length; i++) s[i] = new double[] {20 + r.nextDouble() * (W - 40), 20 + r.nextDouble() * (H - 40), 500 + 4000 * r.nextDouble()};
        return s;
    }

    /** Sky + stars + nebula + noise (the truth), and the same with the gradient added. */
    static FloatImage[] mosaics() {
        FloatImage truth = new FloatImage(W, H, 3), planted = new FloatImage(W, H, 3);
        Random r = new Random(11);
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                double v = SKY + 10 * r.nextGaussian();
                double dn = Math.hypot(x - NEB_X, y - NEB_Y);
                v += NEB_PEAK * Math.exp(-dn * dn / (2 * NEB_SIGMA * NEB_SIGMA));
                for (double[] s : STARS) {
                    double dx = x - s[0], dy = y - s[1];
                    if (Math.abs(dx) < 8 && Math.abs(dy) < 8) v += s[2] * Math.exp(-(dx * dx + dy * dy) / (2 * 1.6 * 1.6));
                }
                for (int c = 0; c < 3; c++) {
                    double u = x / (double) (W - 1), t = y / (double) (H - 1);
                    // 20% of the sky peak to peak, in a direction and with a curvature per channel
                    double g = SKY * (c == 0 ? 0.14 * u + 0.06 * t * t : c == 1 ? 0.10 * u + 0.10 * t : 0.2 * (u - 0.5) * (u - 0.5) * 4 * 0.5 + 0.1 * t);
                    truth.plane(c)[y * W + x] = (float) v;
                    planted.plane(c)[y * W + x] = (float) (v + g);
                }
            }
        // a no-data corner (NaN) stays NaN
        for (int y = 0; y < 40; y++) for (int x = 0; x < 60; x++) for (int c = 0; c < 3; c++) {
            truth.plane(c)[y * W + x] = Float.NaN;
            planted.plane(c)[y * W + x] = Float.NaN;
        }
        return new FloatImage[] {truth, planted};
    }

    static FloatImage read(RowSource s) throws Exception {
        FloatImage out = new FloatImage(s.width(), s.height(), s.channels());
        float[][] band = s.newBand(37);
        for (int y0 = 0; y0 < s.height(); y0 += 37) {
            int rows = Math.min(37, s.height() - y0);
            s.readRows(y0, rows, band);
            for (int c = 0; c < s.channels(); c++) System.arraycopy(band[c], 0, out.plane(c), y0 * W, rows * W);
        }
        return out;
    }

    /** Flux in a disc of radius r minus the median-free local background (mean of the annulus r+5..r+15). */
    static double flux(FloatImage img, int c, double cx, double cy, double r) {
        double in = 0, bg = 0;
        int nIn = 0, nBg = 0;
        for (int y = (int) (cy - r - 16); y <= cy + r + 16; y++)
            for (int x = (int) (cx - r - 16); x <= cx + r + 16; x++) {
                if (x < 0 || y < 0 || x >= W || y >= H) continue;
                double d = Math.hypot(x - cx, y - cy);
                float v = img.plane(c)[y * W + x];
                if (!Float.isFinite(v)) continue;
                if (d <= r) { in += v; nIn++; }
                else if (d > r + 5 && d <= r + 15) { bg += v; nBg++; }
            }
        return in - nIn * bg / nBg;
    }

    @Test
    void gradientOfTwentyPercentIsRemovedStarsAndNebulaKeepTheirLight() throws Exception {
        FloatImage[] m = mosaics();
        FloatImage truth = m[0], planted = m[1];
        FinalBackground.Params p = FinalBackground.Params.fromConfig(new Config());
        assertTrue(p.enabled());
        FinalBackground.Model model = FinalBackground.fit(planted, p);
        FloatImage out = read(FinalBackground.subtracted(planted, model));
        for (int c = 0; c < 3; c++) {
            // Residual background = out - truth (the noise, stars and nebula cancel): its spread over the mosaic.
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY, before = 0;
            double bLo = Double.POSITIVE_INFINITY, bHi = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < W * H; i++) {
                float o = out.plane(c)[i], t = truth.plane(c)[i];
                if (!Float.isFinite(t)) {
                    assertTrue(Float.isNaN(o), "no-data stays NaN");
                    continue;
                }
                double d = o - t, d0 = planted.plane(c)[i] - t;
                lo = Math.min(lo, d); hi = Math.max(hi, d);
                bLo = Math.min(bLo, d0); bHi = Math.max(bHi, d0);
            }
            before = (bHi - bLo) / SKY;
            double residual = (hi - lo) / SKY;
            assertTrue(before > 0.15, "planted gradient " + before);
            assertTrue(residual < 0.01, "channel " + c + ": residual gradient " + residual + " of the sky (was " + before + ")");
            // the sky level is kept: the mean residual is within the planted gradient's range
            assertTrue(lo > bLo - 1 && hi < bHi + 1);
            // stars
            double worst = 0;
            for (double[] s : STARS) {
                double f0 = flux(truth, c, s[0], s[1], 5), f1 = flux(out, c, s[0], s[1], 5);
                if (Double.isNaN(f0) || f0 < 1000) continue;
                worst = Math.max(worst, Math.abs(f1 / f0 - 1));
            }
            assertTrue(worst < 0.02, "channel " + c + ": worst star flux change " + worst);
            // the nebula: total light above the truth's flat sky vs. above the corrected sky far from it
            double n0 = 0, n1 = 0, sky1 = 0;
            int ns = 0;
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++) {
                    double d = Math.hypot(x - NEB_X, y - NEB_Y);
                    float t = truth.plane(c)[y * W + x], o = out.plane(c)[y * W + x];
                    if (d > 230 && d < 260 && Float.isFinite(o)) { sky1 += o - t; ns++; }
                }
            double off = sky1 / ns; // the corrected sky's level minus the truth's, near the nebula
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++) {
                    double d = Math.hypot(x - NEB_X, y - NEB_Y);
                    if (d > 3 * NEB_SIGMA) continue;
                    double neb = NEB_PEAK * Math.exp(-d * d / (2 * NEB_SIGMA * NEB_SIGMA));
                    n0 += neb;
                    n1 += neb + (out.plane(c)[y * W + x] - truth.plane(c)[y * W + x]) - off;
                }
            assertEquals(1.0, n1 / n0, 0.02, "channel " + c + ": nebula light kept");
        }
    }

    @Test
    void theWrittenMosaicIsRewrittenInPlaceWithItsAlpha(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        FloatImage[] m = mosaics();
        java.nio.file.Path f = dir.resolve("mosaic.fits");
        org.tessera.io.FitsImageWriter.write(f, m[1], new nom.tam.fits.Header(), org.tessera.io.FitsImageWriter.AlphaMode.FROM_NAN);
        FinalBackground.Model model = FinalBackground.applyToFile(f, new nom.tam.fits.Header(), FinalBackground.Params.fromConfig(new Config()));
        assertTrue(!model.empty());
        org.tessera.io.FitsFrame back = org.tessera.io.FitsFrame.open(f);
        assertTrue(back.hasAlpha());
        assertEquals("T", back.keys().get("DBE"));
        FloatImage out = read2(back);
        assertTrue(Float.isNaN(out.plane(0)[0]), "the no-data corner is still alpha 0");
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < W * H; i++) {
            float o = out.plane(1)[i], t = m[0].plane(1)[i];
            if (!Float.isFinite(t)) continue;
            lo = Math.min(lo, o - t);
            hi = Math.max(hi, o - t);
        }
        assertTrue((hi - lo) / SKY < 0.01, "residual " + (hi - lo) / SKY);
        assertEquals(0, java.nio.file.Files.list(dir).filter(p -> !p.equals(f)).count(), "no temporary file left");
    }

    @Test
    void tooFewSkyCellsLeaveTheMosaicAsIs() throws Exception {
        FloatImage small = new FloatImage(40, 30, 1);
        java.util.Arrays.fill(small.plane(0), 5f);
        FinalBackground.Model m = FinalBackground.fit(small, FinalBackground.Params.fromConfig(new Config()));
        assertTrue(m.empty());
        assertEquals(5f, read2(FinalBackground.subtracted(small, m)).plane(0)[123]);
    }

    @Test
    void aStripTooThinForTheSurfaceIsLeftAsIsAndFourCellRowsAreFitted() throws Exception {
        // A drift scan or a one-row panorama: sky cells on 1 to 3 rows (24 px cells), too few for the
        // y terms of a degree-3 surface: the least-squares system is singular, and before the
        // check QR gave a model of 1e11 (the strip's mean came out at 6e11). Four rows determine it.
        FinalBackground.Params p = FinalBackground.Params.fromConfig(new Config());
        for (int height : new int[] {30, 72, 96, 120}) {
            FloatImage strip = new FloatImage(3000, height, 1);
            for (int x = 0; x < 3000; x++)
                for (int y = 0; y < height; y++)
                    strip.plane(0)[y * 3000 + x] = 100f + 0.01f * x + (float) Math.sin(x * 0.37 + y) * 0.5f;
            FinalBackground.Model m = FinalBackground.fit(strip, p);
            FloatImage out = read2(FinalBackground.subtracted(strip, m));
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY, mean = 0;
            for (float v : out.plane(0)) { lo = Math.min(lo, v); hi = Math.max(hi, v); mean += v; }
            mean /= out.plane(0).length;
            assertEquals(115.0, mean, 0.5, height + " px: the mosaic's mean sky level is kept");
            if (height < 4 * p.cellPx()) {
                assertTrue(m.empty(), height + " px: no model from " + height / p.cellPx() + " row(s) of cells");
                assertArrayEquals(strip.plane(0), out.plane(0), height + " px: left as it is");
            } else {
                assertFalse(m.empty(), height + " px");
                assertTrue(hi - lo < 3, height + " px: the 30-unit gradient along the strip is removed: " + lo + " .. " + hi);
            }
        }
    }

    static FloatImage read2(RowSource s) throws Exception {
        FloatImage out = new FloatImage(s.width(), s.height(), s.channels());
        s.readRows(0, s.height(), out.planes());
        return out;
    }

    @Test
    void strengthPresetsAndExplicitKeys() {
        FinalBackground.Params n = FinalBackground.Params.fromConfig(new Config());
        assertEquals(24, n.cellPx());
        assertEquals(3.0, n.objK());
        assertEquals(3, n.dilateCells());
        FinalBackground.Params s = FinalBackground.Params.fromConfig(new Config().set("final_mosaic_dbe_strength=strong")
                .set("final_mosaic_dbe_obj_k=2.5"));
        assertEquals(16, s.cellPx());
        assertEquals(2.5, s.objK());
        assertEquals(4, s.dilateCells());
    }
}
