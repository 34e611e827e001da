package org.tessera.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import ij.CompositeImage;
import ij.IJ;
import ij.ImagePlus;
import ij.process.LUT;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.config.Config;
import org.tessera.io.FitsImageWriter;

/** The result as Fiji shows it, and the lazy ImgLib2 view of a written mosaic. */
public class MosaicImageTest {

    static final int W = TestMosaics.W, H = TestMosaics.H;

    static float value(int c, int x, int y) { return TestMosaics.value(c, x, y); }

    static Path writeMosaic(Path file, int channels) throws IOException { return TestMosaics.write(file, channels); }

    /** numpy.percentile (linear) of the finite values: written here, independently of the code under test. */
    public static double numpyPercentile(float[] values, double p) {
        double[] s = new double[values.length];
        int n = 0;
        for (float v : values) if (!Float.isNaN(v)) s[n++] = v;
        s = Arrays.copyOf(s, n);
        Arrays.sort(s);
        double pos = p / 100 * (n - 1);
        int i = (int) Math.floor(pos);
        return i + 1 < n ? s[i] + (pos - i) * (s[i + 1] - s[i]) : s[n - 1];
    }

    static float[] channel(int c) {
        float[] v = new float[W * H];
        for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) v[y * W + x] = value(c, x, y);
        return v;
    }

    @Test
    void aColourMosaicOpensAsACalibratedCompositeStretchedAsItsPreview(@TempDir Path dir) throws IOException {
        Path out = Files.createDirectory(dir.resolve("M31 run"));
        Path fits = writeMosaic(out.resolve("mosaic.fits"), 3);
        Config cfg = new Config().set("preview_png_p_low=2").set("preview_png_p_high=98");
        ImagePlus imp = MosaicImage.open(fits, MosaicImage.title(out), cfg);

        assertEquals("M31 run", imp.getTitle());
        assertTrue(imp instanceof CompositeImage, "composite");
        assertEquals(IJ.COMPOSITE, ((CompositeImage) imp).getMode());
        assertEquals(W, imp.getWidth());
        assertEquals(H, imp.getHeight());
        assertEquals(3, imp.getNChannels());
        assertEquals(1, imp.getNSlices());
        assertEquals(1, imp.getNFrames());
        assertEquals(ImagePlus.GRAY32, imp.getType());
        assertFalse(imp.getStack().isVirtual());

        int[][] rgbAt255 = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}};
        for (int c = 0; c < 3; c++) {
            LUT lut = ((CompositeImage) imp).getChannelLut(c + 1);
            assertEquals(rgbAt255[c][0], lut.getRed(255), "channel " + c);
            assertEquals(rgbAt255[c][1], lut.getGreen(255), "channel " + c);
            assertEquals(rgbAt255[c][2], lut.getBlue(255), "channel " + c);
            imp.setC(c + 1);
            float[] v = channel(c);
            assertEquals(numpyPercentile(v, 2), imp.getDisplayRangeMin(), 1e-3, "low, channel " + c);
            assertEquals(numpyPercentile(v, 98), imp.getDisplayRangeMax(), 1e-3, "high, channel " + c);
            // FITS row 0 is the bottom row of the image
            assertEquals(value(c, 17, 0), imp.getStack().getProcessor(c + 1).getf(17, H - 1), 0);
            assertEquals(value(c, 17, H - 1), imp.getStack().getProcessor(c + 1).getf(17, 0), 0);
        }
        assertEquals(2.5, imp.getCalibration().pixelWidth, 1e-9);
        assertEquals(2.5, imp.getCalibration().pixelHeight, 1e-9);
        assertEquals("arcsec", imp.getCalibration().getUnit());
        String info = (String) imp.getProperty("Info");
        assertTrue(info.contains("CRVAL1  =                150.0"), info);
        assertTrue(info.lines().anyMatch(l -> l.startsWith("OBJECT  = 'test field'")), info);
        assertTrue(info.lines().allMatch(l -> l.length() <= 80), "one card a line");
    }

    @Test
    void aLargeMosaicOpensAsAVirtualStackWithTheSamePixelsAndStretch(@TempDir Path dir) throws IOException {
        Path fits = writeMosaic(dir.resolve("mosaic.fits"), 3);
        ImagePlus inMemory = MosaicImage.open(fits, "a", 1, 99.9, 3200, Long.MAX_VALUE);
        ImagePlus virtual = MosaicImage.open(fits, "a", 1, 99.9, 3200, 0);
        assertTrue(virtual.getStack().isVirtual());
        assertTrue(virtual instanceof CompositeImage);
        assertEquals(3, virtual.getNChannels());
        for (int c = 1; c <= 3; c++) {
            assertTrue(Arrays.equals((float[]) inMemory.getStack().getPixels(c), (float[]) virtual.getStack().getPixels(c)), "channel " + c);
            inMemory.setC(c);
            virtual.setC(c);
            assertEquals(numpyPercentile(channel(c - 1), 99.9), virtual.getDisplayRangeMax(), 1e-3);
            assertEquals(inMemory.getDisplayRangeMin(), virtual.getDisplayRangeMin(), 0);
        }
    }

    @Test
    void aMonoImageIsOneGreyChannelAndCoverageShowsFromZeroToItsMaximum(@TempDir Path dir) throws IOException {
        Path fits = writeMosaic(dir.resolve("mosaic_coverage.fits"), 1);
        ImagePlus cov = MosaicImage.openCoverage(fits, "run coverage");
        assertFalse(cov instanceof CompositeImage);
        assertEquals(1, cov.getNChannels());
        assertEquals(0, cov.getDisplayRangeMin(), 0);
        assertEquals(value(0, W - 1, H - 1), cov.getDisplayRangeMax(), 1e-6);
        assertEquals(2.5, cov.getCalibration().pixelWidth, 1e-9);
    }

    @Test
    void titleIsTheOutputFolderOrTheStackedFileName(@TempDir Path dir) throws IOException {
        assertEquals("out", MosaicImage.title(Files.createDirectory(dir.resolve("out"))));
        assertEquals("tile_M42", MosaicImage.title(dir.resolve("tile_M42.fits")));
    }

    @Test
    void lazyImgLib2OpensAMosaicThreeTimesItsHeap(@TempDir Path dir) throws Exception {
        lazyOpens(dir, 20000, 2500, "64m"); // 200 MB of pixels
    }

    @Test
    @Tag("heavy")
    void lazyImgLib2Opens20000x20000InASmallHeap(@TempDir Path dir) throws Exception {
        lazyOpens(dir, 20000, 20000, "64m"); // 1.6 GB of pixels
    }

    static float big(int x, int y) {
        return (x % 1000) + 1000f * (y % 97);
    }

    private static void lazyOpens(Path dir, int w, int h, String heap) throws Exception {
        Path fits = dir.resolve("mosaic.fits");
        int band = 64;
        float[][] rows = new float[1][w * band];
        try (FitsImageWriter out = new FitsImageWriter(fits, w, h, 1, null, FitsImageWriter.AlphaMode.NONE)) {
            for (int y0 = 0; y0 < h; y0 += band) {
                int n = Math.min(band, h - y0);
                for (int r = 0; r < n; r++) for (int x = 0; x < w; x++) rows[0][r * w + x] = big(x, y0 + r);
                out.writeRows(y0, n, rows);
            }
        }
        int[][] at = {{0, 0}, {w - 1, h - 1}, {12345, h / 2}, {999, 96}, {7, h - 3}};
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"),
                LazyProbe.class.getName(), fits.toString()));
        for (int[] p : at) cmd.addAll(List.of(String.valueOf(p[0]), String.valueOf(p[1]), "0"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe finished");
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertEquals(0, p.exitValue(), String.join("\n", lines));
        assertEquals(w + " " + h + " 1", lines.get(0));
        for (int i = 0; i < at.length; i++)
            assertEquals(big(at[i][0], at[i][1]), Float.parseFloat(lines.get(i + 1)), 0, "pixel " + Arrays.toString(at[i]));
    }
}
