package org.tessera.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import nom.tam.fits.Header;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.image.BandFeed;
import org.tessera.image.FloatImage;

/**
 * The preview's block means taken from the bands as they are written ({@link PreviewBlocks}) give
 * the PNG that {@link PreviewPng} reads from the written files, byte for byte, whatever the band
 * heights, their order and the threads; on data whose block means depend on the order of the
 * additions (values from 1e-7 to 1e7 between pairs of ±1e20 that cancel), with what the files read back otherwise (NaN in one channel
 * only, infinities, signed zeros).
 */
class PreviewBlocksTest {

    static final int W = 203, H = 157;

    @TempDir
    Path tmp;

    /** RGB (or grey) values spanning fourteen decades, plus NaN, ±∞ and −0 in some channels only. */
    static FloatImage image(int channels, long seed) {
        FloatImage m = new FloatImage(W, H, channels);
        Random r = new Random(seed);
        for (int c = 0; c < channels; c++) {
            float[] p = m.plane(c);
            for (int i = 0; i < W * H; i++) {
                double mag = Math.pow(10, -7 + 14 * r.nextDouble());
                p[i] = (float) ((r.nextInt(5) == 0 ? -1 : 1) * mag);
            }
        }
        for (int k = 0; k < 600; k++) m.plane(k % channels)[r.nextInt(W * H)] = Float.NaN;
        for (int k = 0; k < 30; k++) m.plane(k % channels)[r.nextInt(W * H)] = k % 2 == 0 ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
        for (int k = 0; k < 300; k++) m.plane(k % channels)[r.nextInt(W * H)] = -0f;
        for (int y = 40; y < 60; y++) for (int x = 10; x < 70; x++) m.plane(0)[y * W + x] = Float.NaN; // a hole in one channel
        // Pairs that cancel (+1e20 here, −1e20 two rows below): what a block's double sum keeps of
        // the values between them depends on the order of the additions.
        for (int k = 0; k < 300; k++) {
            int i = r.nextInt(W * (H - 2) - 1), c = k % channels;
            m.plane(c)[i] = 1e20f;
            m.plane(c)[i + 2 * W + 1] = -1e20f;
        }
        return m;
    }

    /** A coverage with holes, zeros, −0 and an infinity (a non-finite value reads NaN). */
    static FloatImage coverage(long seed) {
        FloatImage c = new FloatImage(W, H, 1);
        Random r = new Random(seed);
        for (int i = 0; i < W * H; i++) c.plane(0)[i] = r.nextInt(7) == 0 ? 0f : (float) (r.nextDouble() * 5);
        for (int k = 0; k < 200; k++) c.plane(0)[r.nextInt(W * H)] = Float.NaN;
        for (int k = 0; k < 50; k++) c.plane(0)[r.nextInt(W * H)] = -0f;
        c.plane(0)[77 * W + 5] = Float.POSITIVE_INFINITY;
        return c;
    }

    /** The bands of {@code img} of {@code rows} rows, in the given order, from {@code threads} threads into {@code sink}. */
    static void feed(FloatImage img, PreviewBlocks sink, int rows, String order, int threads) throws Exception {
        BandFeed.feed(img, rows, BandFeed.starts(img.height(), rows, order), threads, sink::writeRows);
    }

    private Path readBack(FloatImage img, FloatImage cov, int maxDim, String name) throws Exception {
        Path m = tmp.resolve(name + ".fits"), c = tmp.resolve(name + "_cov.fits"), png = tmp.resolve(name + ".png");
        FitsImageWriter.write(m, img, new Header(), FitsImageWriter.AlphaMode.FROM_NAN);
        FitsImageWriter.write(c, cov, new Header(), FitsImageWriter.AlphaMode.NONE);
        PreviewPng.write(FitsFrame.open(m), FitsFrame.open(c), png, 1.0, 99.9, 12.0, maxDim);
        return png;
    }

    @Test
    void bandsAsWrittenGiveTheReadBackPngForAnyBandsOrderAndThreads() throws Exception {
        for (int nc : new int[] {3, 1}) {
            FloatImage img = image(nc, 11 + nc), cov = coverage(3 + nc);
            // maxDim 203: blocks of 1; 68: blocks of 3; 29: blocks of 7 (band heights 1, 5, 16, 64 cut them).
            for (int maxDim : new int[] {203, 68, 29}) {
                Path ref = readBack(img, cov, maxDim, "ref" + nc + "_" + maxDim);
                PreviewPng.Downsampled refD = PreviewPng.downsample(FitsFrame.open(tmp.resolve("ref" + nc + "_" + maxDim + ".fits")),
                        FitsFrame.open(tmp.resolve("ref" + nc + "_" + maxDim + "_cov.fits")), PreviewPng.factor(W, H, maxDim));
                float[][] refMeans = refD.planes();
                for (Object[] c : new Object[][] {{H, "forward", 1}, {1, "shuffled", 3}, {5, "reversed", 2},
                        {16, "shuffled", 4}, {64, "forward", 2}}) {
                    int rows = (int) c[0], threads = (int) c[2];
                    PreviewBlocks b = new PreviewBlocks(W, H, nc, maxDim, true), bc = PreviewBlocks.coverage(W, H, maxDim);
                    feed(img, b, rows, (String) c[1], threads);
                    feed(cov, bc, rows, "reversed", threads);
                    String what = nc + " channel(s), max " + maxDim + ", bands of " + rows + " " + c[1] + " on " + threads + " threads";
                    for (int ch = 0; ch < nc; ch++) assertBitsEqual(refMeans[ch], b.means()[ch], what);
                    float[] covered = bc.means()[0];
                    for (int i = 0; i < covered.length; i++)
                        assertEquals(refD.coverage()[i] > 0 ? 1f : 0f, covered[i], what + ": coverage block " + i);
                    Path png = tmp.resolve("s.png");
                    PreviewPng.write(b, bc, png, 1.0, 99.9, 12.0);
                    assertEquals(-1, Files.mismatch(ref, png), what);
                }
            }
        }
    }

    private static void assertBitsEqual(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++)
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
                    what + ": block " + i + " " + want[i] + " against " + got[i]);
    }

    @Test
    void theTestDataMakeTheOrderOfTheAdditionsMatter() throws Exception {
        // Each block summed bottom row last instead of first: some mean differs, so the test above
        // pins the order (and not only the values summed).
        FloatImage img = image(1, 12);
        int f = PreviewPng.factor(W, H, 29), ow = (W + f - 1) / f, oh = (H + f - 1) / f, differ = 0;
        PreviewBlocks b = new PreviewBlocks(W, H, 1, 29, true);
        feed(img, b, H, "forward", 1);
        float[] means = b.means()[0];
        for (int by = 0; by < oh; by++)
            for (int bx = 0; bx < ow; bx++) {
                double s = 0;
                int n = 0;
                for (int y = Math.min(H, by * f + f) - 1; y >= by * f; y--)
                    for (int x = Math.min(W, bx * f + f) - 1; x >= bx * f; x--) {
                        float v = img.plane(0)[y * W + x];
                        if (Float.isFinite(v)) {
                            s += v;
                            n++;
                        }
                    }
                if (n > 0 && (float) (s / n) != means[by * ow + bx]) differ++;
            }
        assertTrue(differ > 10, "blocks whose mean depends on the order: " + differ);
    }

    @Test
    void aMissingBandIsAnErrorNotAPreview() throws Exception {
        PreviewBlocks b = new PreviewBlocks(W, H, 1, 29, true);
        FloatImage img = image(1, 1);
        b.writeRows(0, 20, new float[][] {Arrays.copyOf(img.plane(0), 20 * W)});
        IllegalStateException e = assertThrows(IllegalStateException.class, b::means);
        assertTrue(e.getMessage().contains("block row 2"), e.getMessage()); // rows 14..20 of block row 2 only
        assertThrows(IndexOutOfBoundsException.class, () -> b.writeRows(150, 10, new float[][] {new float[10 * W]}));
        assertArrayEquals(new int[] {7, 29, 23}, new int[] {b.factor(), b.blocksX(), b.blocksY()});
    }
}
