package org.tessera.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tessera.reproject.BackgroundPlane;
import org.tessera.reproject.BandCoadder;
import org.tessera.reproject.BandContribution;
import org.tessera.reproject.CoaddBand;
import org.tessera.reproject.CpuBandCoadder;
import org.tessera.reproject.Kernel;
import org.tessera.reproject.KernelSampler;
import org.tessera.reproject.SourceStrip;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.Projection;
import org.tessera.wcs.WcsException;
import org.tessera.wcs.WcsMapping;

/**
 * The contract every {@link BandCoadder} honours, run against each backend by a subclass: a known
 * answer (an aligned tile of constant value comes out as gain·v + offset with weight = tile
 * weight × alpha), and agreement with {@link CpuBandCoadder} (sums and weights ≤ 1e-5 relative)
 * for every kernel on rotated RGB tiles with alpha, holes, cropped windows, partial strips, tile
 * weights, gains and planar backgrounds.
 */
abstract class CoadderContract {

    abstract BandCoadder coadder();

    static final int W = 160, H = 120, NC = 3;

    static FitsWcs tan(double ra, double dec, double arcsec, double rotDeg, int w, int h) {
        double s = arcsec / 3600.0, t = Math.toRadians(rotDeg);
        try {
            return new FitsWcs(Projection.forCode("TAN"), (w + 1) / 2.0, (h + 1) / 2.0, ra, dec,
                    -s * Math.cos(t), s * Math.sin(t), s * Math.sin(t), s * Math.cos(t));
        } catch (WcsException e) {
            throw new AssertionError(e);
        }
    }

    /** Three tiles over the target band rows [y0, y0 + rows), each with its own quirks, all with kernel k. */
    static List<BandContribution> contributions(FitsWcs target, Kernel k, int y0, int rows) {
        return contributions(target, k, y0, rows, null);
    }

    /** The value of pixel (x, y) of channel c of tile t, whose size is tw × th (real frames' pixels, say). */
    interface TilePixels {
        float at(int t, int c, int x, int y, int tw, int th);
    }

    /** As {@link #contributions(FitsWcs, Kernel, int, int)} with the tiles' pixels from {@code pixels} (null: synthetic sky). */
    static List<BandContribution> contributions(FitsWcs target, Kernel k, int y0, int rows, TilePixels pixels) {
        List<BandContribution> out = new ArrayList<>();
        double[][] tiles = {{10.004, 20.002, 2.2, 17, 100, 80}, {9.996, 19.999, 1.9, -35, 120, 90}, {10.0, 20.0, 2.0, 0.3, 90, 70}};
        Random r = new Random(7);
        for (int t = 0; t < tiles.length; t++) {
            int tw = (int) tiles[t][4], th = (int) tiles[t][5];
            FitsWcs src = tan(tiles[t][0], tiles[t][1], tiles[t][2], tiles[t][3], tw, th);
            float[][] planes = new float[NC][tw * th];
            for (int c = 0; c < NC; c++)
                for (int i = 0; i < tw * th; i++)
                    planes[c][i] = pixels != null ? pixels.at(t, c, i % tw, i / tw, tw, th)
                            : (float) (50 + 10 * c + 30 * Math.sin(i % tw * 0.2 + c) * Math.cos(i / tw * 0.15) + r.nextGaussian());
            float[] wPlane = null;
            if (t != 2) {
                wPlane = new float[tw * th];
                for (int i = 0; i < tw * th; i++) wPlane[i] = (float) (0.3 + 0.7 * r.nextDouble());
                for (int y = 30; y < 36; y++) for (int x = 40; x < 47; x++) wPlane[y * tw + x] = Float.NaN; // a hole
            }
            // Tile 1: a strip of rows [10, th - 5) only, with a cropped window.
            int sy0 = t == 1 ? 10 : 0, sy1 = t == 1 ? th - 5 : th;
            float[][] sp = new float[NC][];
            for (int c = 0; c < NC; c++) sp[c] = java.util.Arrays.copyOfRange(planes[c], sy0 * tw, sy1 * tw);
            float[] swp = wPlane == null ? null : java.util.Arrays.copyOfRange(wPlane, sy0 * tw, sy1 * tw);
            int[] window = t == 1 ? new int[] {3, tw - 4, 0, th} : new int[] {0, tw, 0, th};
            SourceStrip strip = SourceStrip.contiguous(tw, sy0, sy1 - sy0, sp, swp, window);
            int x0 = t == 0 ? 5 : 0, x1 = t == 0 ? W - 7 : W;
            WcsMapping m = new WcsMapping(target, src);
            WcsMapping.Region region = KernelSampler.region(k, m, x0, y0, x1, y0 + rows);
            BackgroundPlane bg = t == 0 ? BackgroundPlane.offset(NC, 3.5)
                    : new BackgroundPlane(new double[] {1, -2, 0.5}, new double[] {0.01, 0, -0.02}, new double[] {0.003, 0.01, 0});
            // Tile 1: per-channel factors on its gain (the colour match).
            double[] colour = t == 1 ? new double[] {1.0, 1.07, 0.93} : null;
            out.add(new BandContribution(t, x0, x1, y0, y0 + rows, region, strip, k, 0.5f + t, 1.1f - 0.1f * t, colour, bg));
        }
        return out;
    }

    static CoaddBand run(BandCoadder c, List<BandContribution> contribs, int y0, int rows) {
        CoaddBand band = new CoaddBand(W, NC, rows);
        band.reset(y0, rows);
        c.accumulate(band, contribs);
        return band;
    }

    static void assertSameBand(CoaddBand ref, CoaddBand got, String what) {
        int n = ref.rows() * ref.width();
        long covered = 0;
        for (int i = 0; i < n; i++) {
            float e = ref.weight()[i], a = got.weight()[i];
            assertTrue(Math.abs(a - e) <= 1e-5 * Math.max(1, Math.abs(e)), what + ": weight " + i + " " + e + " vs " + a);
            if (e > 0) covered++;
            for (int c = 0; c < ref.channels(); c++) {
                e = ref.sum(c)[i];
                a = got.sum(c)[i];
                assertTrue(Math.abs(a - e) <= 1e-5 * Math.max(1, Math.abs(e)), what + ": sum " + c + " at " + i + " " + e + " vs " + a);
            }
        }
        assertTrue(covered > n / 2, what + ": the tiles must cover the band (" + covered + " of " + n + ")");
    }

    @Test
    void everyKernelMatchesCpu() {
        FitsWcs target = tan(10, 20, 2, 0, W, H);
        for (Kernel k : Kernel.values()) {
            List<BandContribution> cs = contributions(target, k, 30, 50);
            assertSameBand(run(CpuBandCoadder.INSTANCE, cs, 30, 50), run(coadder(), cs, 30, 50), k.configName());
        }
    }

    @Test
    void mixedKernelsKeepListOrder() {
        FitsWcs target = tan(10, 20, 2, 0, W, H);
        List<BandContribution> a = contributions(target, Kernel.LANCZOS3, 30, 40);
        List<BandContribution> b = contributions(target, Kernel.EXACT, 30, 40);
        List<BandContribution> mixed = List.of(a.get(0), b.get(1), a.get(2), b.get(0));
        assertSameBand(run(CpuBandCoadder.INSTANCE, mixed, 30, 40), run(coadder(), mixed, 30, 40), "mixed");
    }

    @Test
    void alignedConstantTileKnownAnswer() {
        // A tile on the target's own grid: every output pixel maps onto a source pixel centre.
        FitsWcs target = tan(10, 20, 2, 0, W, H);
        float[][] planes = new float[NC][W * H];
        for (int c = 0; c < NC; c++) java.util.Arrays.fill(planes[c], 10f * (c + 1));
        float[] wPlane = new float[W * H];
        java.util.Arrays.fill(wPlane, 0.5f);
        SourceStrip strip = SourceStrip.contiguous(W, 0, H, planes, wPlane, new int[] {0, W, 0, H});
        for (Kernel k : new Kernel[] {Kernel.NEAREST, Kernel.BILINEAR, Kernel.LANCZOS3}) {
            WcsMapping.Region region = KernelSampler.region(k, new WcsMapping(target, target), 0, 20, W, 40);
            BandContribution c = new BandContribution(0, 0, W, 20, 40, region, strip, k, 2f, 1.5f, BackgroundPlane.offset(NC, 1));
            CoaddBand band = run(coadder(), List.of(c), 20, 20);
            int i = 7 * W + 80; // pixel (80, 27)
            assertEquals(1f, band.weight()[i], 1e-5, k + " weight = 2 · 0.5");
            for (int ch = 0; ch < NC; ch++) assertEquals(1.5f * 10 * (ch + 1) + 1, band.sum(ch)[i], 1e-3, k + " channel " + ch);
        }
    }
}
