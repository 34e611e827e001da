package org.tessera.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.wcs.Wcs;

class FitsFrameTest {

    @TempDir
    Path tmp;

    private static float[][] readAll(FitsFrame f) throws IOException {
        float[][] b = f.newBand(f.height());
        f.readRows(0, f.height(), b);
        return b;
    }

    // ---- pixel types ----

    @Test
    void everyBitpixAppliesBzeroBscaleAndBlank() throws IOException {
        FitsFixtures.EveryBitpix e = new FitsFixtures.EveryBitpix(5, 4);
        List<Path> f = e.write(tmp);
        check(f.get(0), 8, -128, 0.5, (x, y) -> e.b8[y][x] & 0xFF);
        check(f.get(1), 16, 32768, 1, (x, y) -> x == 2 && y == 1 ? Double.NaN : e.b16[y][x]); // BLANK
        check(f.get(2), 32, 10, 2, (x, y) -> x == 4 && y == 3 ? Double.NaN : e.b32[y][x]); // BLANK
        check(f.get(3), 64, 1.5, 3, (x, y) -> e.b64[y][x]);
        check(f.get(4), -32, 100, 2, (x, y) -> x == 1 && y == 2 ? Double.NaN : e.f32[y][x]); // +inf
        check(f.get(5), -64, 0, 1, (x, y) -> e.f64[y][x]);
    }

    private interface Stored { double at(int x, int y); }

    private void check(Path file, int bitpix, double bzero, double bscale, Stored stored) throws IOException {
        FitsFrame f = FitsFrame.open(file);
        assertEquals(bitpix, f.bitpix(), file.toString());
        assertEquals(5, f.width());
        assertEquals(4, f.height());
        assertEquals(1, f.channels());
        float[][] all = readAll(f);
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 5; x++) {
                double s = stored.at(x, y);
                float want = Double.isNaN(s) ? Float.NaN : (float) (bzero + bscale * s);
                if (Float.isNaN(want)) assertTrue(Float.isNaN(all[0][y * 5 + x]), file.getFileName() + " NaN at " + x + "," + y);
                else assertEquals(want, all[0][y * 5 + x], Math.abs(want) * 1e-7, file.getFileName() + " at " + x + "," + y);
            }
        // a band in the middle equals the same rows of the whole read
        float[][] band = f.newBand(2);
        f.readRows(1, 2, band);
        for (int i = 0; i < 10; i++) assertEquals(all[0][5 + i], band[0][i], 0.0);
    }

    @Test
    void colourCubeGivesThreeChannels() throws IOException {
        int w = 6, h = 3;
        float[][][] cube = new float[3][h][w];
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) cube[c][y][x] = 1000 * c + 10 * y + x;
        FitsFrame f = FitsFrame.open(FitsFixtures.write(tmp.resolve("cube.fits"), cube));
        assertEquals(3, f.channels());
        assertNull(f.bayerPattern());
        float[][] band = f.newBand(2);
        f.readRows(1, 2, band);
        for (int c = 0; c < 3; c++)
            for (int y = 1; y < 3; y++)
                for (int x = 0; x < w; x++) assertEquals(1000 * c + 10 * y + x, band[c][(y - 1) * w + x], 0.0);
    }

    @Test
    void cubeWithFourPlanesIsRejected() throws IOException {
        Path p = FitsFixtures.write(tmp.resolve("c4.fits"), new float[4][3][5]);
        FitsReadException e = assertThrows(FitsReadException.class, () -> FitsFrame.open(p));
        assertEquals("c4.fits: unsupported image shape 5x3x4 (need 2-D, or 3-D with NAXIS3 = 3 colour planes)", e.getMessage());
    }

    // ---- Bayer ----

    @Test
    void flatColourFieldDemosaicsExactlyForEveryPattern() throws IOException {
        int w = 9, h = 7;
        double[][][] rgb = new double[3][h][w];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                rgb[0][y][x] = 1200;
                rgb[1][y][x] = 800;
                rgb[2][y][x] = 300;
            }
        for (BayerPattern p : BayerPattern.values()) {
            FitsFrame f = FitsFrame.open(FitsFixtures.write(tmp.resolve(p + ".fits"), FitsFixtures.mosaic(p, rgb),
                    "BAYERPAT", p.name()));
            assertEquals(p, f.bayerPattern());
            assertEquals(3, f.channels());
            float[][] all = readAll(f);
            for (int i = 0; i < w * h; i++) {
                assertEquals(1200f, all[0][i], 0.0, p + " R at " + i);
                assertEquals(800f, all[1][i], 0.0, p + " G at " + i);
                assertEquals(300f, all[2][i], 0.0, p + " B at " + i);
            }
        }
    }

    @Test
    void linearFieldsAreExactInsideAndRawValuesStayAtTheirSites() throws IOException {
        int w = 12, h = 10;
        double[][][] rgb = new double[3][h][w];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                rgb[0][y][x] = 10 + 2 * x;            // horizontal ramps
                rgb[1][y][x] = 20 + 3 * x + 0.5 * y;  // a plane
                rgb[2][y][x] = 500 - 7 * x;
            }
        for (BayerPattern p : BayerPattern.values()) {
            float[][] raw = FitsFixtures.mosaic(p, rgb);
            FitsFrame f = FitsFrame.open(FitsFixtures.write(tmp.resolve("ramp" + p + ".fits"), raw, "CFAIMAGE", p.name()));
            float[][] all = readAll(f);
            int edgeMisses = 0;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    int own = p.colorAt(x, y);
                    assertEquals(raw[y][x], all[own][y * w + x], 0.0, "own site");
                    for (int c = 0; c < 3; c++) {
                        boolean inside = x > 0 && x < w - 1 && y > 0 && y < h - 1;
                        double err = Math.abs(all[c][y * w + x] - rgb[c][y][x]);
                        if (inside) assertEquals(rgb[c][y][x], all[c][y * w + x], 1e-4, p + " c" + c + " at " + x + "," + y);
                        else if (err > 1e-3) edgeMisses++;
                    }
                }
            // one-sided means on the left/right border are not exact for a ramp: the test can tell
            assertTrue(edgeMisses > 0, "border pixels should differ from the ramp for " + p);
        }
    }

    @Test
    void bayerBandReadsEqualWholeReads() throws Exception {
        int w = 23, h = 31;
        Random r = new Random(7);
        short[][] raw = new short[h][w];
        for (short[] row : raw) for (int x = 0; x < w; x++) row[x] = (short) (r.nextInt(60000) - 30000);
        raw[5][6] = -32768; // BLANK inside a band: its neighbours interpolate around it
        FitsFrame f = FitsFrame.open(FitsFixtures.write(tmp.resolve("cfa.fits"), raw, "BZERO", 32768.0,
                "BAYERPAT", "RGGB", "BLANK", -32768));
        float[][] all = readAll(f);
        assertTrue(Float.isNaN(all[0][5 * w + 6]) || Float.isNaN(all[1][5 * w + 6]) || Float.isNaN(all[2][5 * w + 6]));
        assertTrue(Float.isFinite(all[0][5 * w + 7]) && Float.isFinite(all[1][5 * w + 7]) && Float.isFinite(all[2][5 * w + 7]));
        for (int band : new int[] {1, 7, h})
            assertBandsEqual(f, all, band);
    }

    /**
     * Registration's view of a Bayer frame (FrameReading.STAR_DETECTION), and the stack's with stacking_demosaic = bilinear: the original's bilinear demosaic
     * bit for bit, band reads included; the stack's default view differs from it inside the frame.
     */
    @Test
    void theBilinearViewIsTheOriginalsDemosaicAndTheDefaultIsNot() throws Exception {
        int w = 23, h = 31;
        Random r = new Random(8);
        short[][] raw = new short[h][w];
        float[] flat = new float[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                raw[y][x] = (short) (r.nextInt(60000) - 30000);
                flat[y * w + x] = raw[y][x] + 32768f;
            }
        FitsFrame f = FitsFrame.open(FitsFixtures.write(tmp.resolve("cfa2.fits"), raw, "BZERO", 32768.0, "BAYERPAT", "GRBG"));
        FitsFrame b = f.withReading(FrameReading.STAR_DETECTION);
        assertSame(b, b.withReading(new FrameReading(false, FrameReading.Demosaic.BILINEAR)), "an equal reading: the same frame");
        assertSame(f, f.withReading(FrameReading.AS_STORED));
        assertEquals(FrameReading.AS_STORED, f.reading(), "open reads as stored");
        float[][] expect = new float[3][w * h];
        DebayerTest.bilinear(flat, w, h, 0, h, BayerPattern.GRBG, 0, h, expect);
        float[][] got = readAll(b), corrected = readAll(f);
        int differ = 0;
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < w * h; i++) {
                assertEquals(Float.floatToRawIntBits(expect[c][i]), Float.floatToRawIntBits(got[c][i]), "c" + c + " at " + i);
                if (corrected[c][i] != got[c][i]) differ++;
            }
        assertTrue(differ > w * h, "the default view is the corrected demosaic: " + differ + " values differ");
        for (int band : new int[] {1, 7, h}) assertBandsEqual(b, got, band);
        // a copy with another hot-pixel setting keeps the demosaic
        float[][] again = readAll(b.withReading(FrameReading.STAR_DETECTION.withHotPixels(true)).withReading(FrameReading.STAR_DETECTION));
        for (int c = 0; c < 3; c++) assertArrayEquals(got[c], again[c]);
    }

    static void assertBandsEqual(FitsFrame f, float[][] all, int band) throws IOException {
        int w = f.width(), h = f.height();
        float[][] b = f.newBand(band);
        for (int y0 = 0; y0 < h; y0 += band) {
            int n = Math.min(band, h - y0);
            f.readRows(y0, n, b);
            for (int c = 0; c < f.channels(); c++)
                for (int i = 0; i < n * w; i++)
                    if (Float.floatToIntBits(all[c][y0 * w + i]) != Float.floatToIntBits(b[c][i]))
                        throw new AssertionError(f.name() + " band " + band + " differs at c" + c + " row " + (y0 + i / w)
                                + " x " + (i % w) + ": " + b[c][i] + " vs " + all[c][y0 * w + i]);
        }
    }

    @Test
    void bayerDecision() throws IOException {
        short[][] d = new short[4][4];
        // plain mono: no Bayer keys, not a Seestar
        FitsFrame mono = FitsFrame.open(FitsFixtures.write(tmp.resolve("mono.fits"), d, "INSTRUME", "ASI1600MM"));
        assertEquals(1, mono.channels());
        assertFalse(mono.seestar());
        // Seestar without BAYERPAT: GRBG
        FitsFrame s = FitsFrame.open(FitsFixtures.write(tmp.resolve("s.fits"), d, "INSTRUME", "Seestar S30"));
        assertTrue(s.seestar());
        assertEquals(BayerPattern.GRBG, s.bayerPattern());
        FitsFrame s50 = FitsFrame.open(FitsFixtures.write(tmp.resolve("s50.fits"), d, "CREATOR", "ZWO S50"));
        assertEquals(BayerPattern.GRBG, s50.bayerPattern());
        // explicit "no CFA"
        assertEquals(1, FitsFrame.open(FitsFixtures.write(tmp.resolve("n.fits"), d, "BAYERPAT", "NONE")).channels());
        // an offset shifts the pattern: RGGB seen from (1, 0) is GRBG
        assertEquals(BayerPattern.GRBG, FitsFrame.open(FitsFixtures.write(tmp.resolve("o.fits"), d,
                "BAYERPAT", "RGGB", "XBAYROFF", 1)).bayerPattern());
        FitsReadException e = assertThrows(FitsReadException.class, () -> FitsFrame.open(
                FitsFixtures.write(tmp.resolve("bad.fits"), d, "BAYERPAT", "CYGM")));
        assertEquals("bad.fits: unsupported Bayer pattern BAYERPAT='CYGM' (supported: RGGB, BGGR, GRBG, GBRG)", e.getMessage());
    }

    // ---- ALPHA, extensions, keys ----

    @Test
    void alphaExtensionMasksPixels() throws IOException {
        float[][] img = new float[3][4];
        byte[][] alpha = new byte[3][4];
        for (int y = 0; y < 3; y++)
            for (int x = 0; x < 4; x++) {
                img[y][x] = 10 * y + x;
                alpha[y][x] = (byte) (x == 0 ? 0 : x == 1 ? 128 : 255);
            }
        FitsFrame f = FitsFrame.open(FitsFixtures.writeHdus(tmp.resolve("a.fits"),
                new Object[] {img}, new Object[] {alpha, "EXTNAME", "ALPHA"}));
        assertTrue(f.hasAlpha());
        float[][] all = readAll(f);
        float[] a = new float[12];
        f.readAlpha(0, 3, a);
        for (int y = 0; y < 3; y++)
            for (int x = 0; x < 4; x++) {
                int i = y * 4 + x;
                if (x == 0) assertTrue(Float.isNaN(all[0][i]));
                else assertEquals(10 * y + x, all[0][i], 0.0);
                assertEquals(x == 0 ? 0f : x == 1 ? 128 / 255f : 1f, a[i], 1e-7);
            }
    }

    @Test
    void alphaWithoutExtensionComesFromFiniteness() throws IOException {
        float[][] img = {{1, Float.NaN, 3}, {4, 5, Float.NEGATIVE_INFINITY}};
        FitsFrame f = FitsFrame.open(FitsFixtures.write(tmp.resolve("n.fits"), img));
        assertFalse(f.hasAlpha());
        float[] a = new float[6];
        f.readAlpha(0, 2, a);
        assertArrayEquals(new float[] {1, 0, 1, 1, 1, 0}, a);
    }

    @Test
    void imageExtensionIsFoundAndInheritsPrimaryKeys() throws IOException {
        float[][] other = new float[2][2];
        float[][] sci = {{1, 2, 3}, {4, 5, 6}};
        FitsFrame f = FitsFrame.open(FitsFixtures.writeHdus(tmp.resolve("mef.fits"),
                new Object[] {null, "OBJECT", "M 42", "EXPOSURE", 30.0, "EQMODE", 0},
                new Object[] {other, "EXTNAME", "DQ"},
                new Object[] {sci, "EXTNAME", "SCI", "HIERARCH.MOUNT_MODE", "eq"}));
        assertEquals(3, f.width());
        assertEquals(2, f.height());
        assertEquals(6f, readAll(f)[0][5], 0.0);
        assertEquals("M 42", f.keys().get("OBJECT"));
        assertEquals(30.0, f.exposureSeconds(), 0.0);
        assertEquals(MountMode.EQ, f.mountMode(), "MOUNT_MODE of the image HDU wins over EQMODE");
        assertEquals("SCI", f.header().getStringValue("EXTNAME"));
    }

    /** A frame built from headers read elsewhere (a cluster's executor) is the frame {@code open} gives. */
    @Test
    void headersReadElsewhereGiveTheSameFrame() throws IOException {
        float[][] sci = {{1, 2, 3}, {4, 5, 6}};
        byte[][] alpha = {{0, (byte) 255, (byte) 128}, {(byte) 255, (byte) 255, 0}};
        Path file = FitsFixtures.writeHdus(tmp.resolve("mef.fits"),
                new Object[] {null, "OBJECT", "M 42", "EXPOSURE", 30.0, "EQMODE", 0},
                new Object[] {new float[2][2], "EXTNAME", "DQ"},
                new Object[] {sci, "EXTNAME", "SCI", "CTYPE1", "RA---TAN", "CTYPE2", "DEC--TAN", "CRVAL1", 10.0,
                        "CRVAL2", 20.0, "CRPIX1", 1.5, "CRPIX2", 1.0, "CD1_1", -1e-4, "CD1_2", 0.0, "CD2_1", 0.0, "CD2_2", 1e-4},
                new Object[] {alpha, "EXTNAME", "ALPHA"});
        FitsFrame a = FitsFrame.open(file);
        FitsFrame.Headers h = FitsFrame.readHeaders(file);
        assertEquals(2, h.imageIndex());
        assertEquals(3, h.alphaIndex());
        FitsFrame b = FitsFrame.open(file, h);
        assertEquals(a.keys(), b.keys());
        assertEquals(cards(a.header()), cards(b.header()));
        assertEquals(List.of(3, 2, 1, MountMode.ALT_AZ, 30.0), List.of(b.width(), b.height(), b.channels(), b.mountMode(), b.exposureSeconds()));
        assertTrue(b.hasWcs() && b.hasAlpha());
        double[] wa = new double[2], wb = new double[2];
        a.wcs().pixelToWorld(2, 1, wa);
        b.wcs().pixelToWorld(2, 1, wb);
        assertArrayEquals(wa, wb, 0.0);
        assertArrayEquals(readAll(a)[0], readAll(b)[0], 0f);
        float[] aa = new float[6], ab = new float[6];
        a.readAlpha(0, 2, aa);
        b.readAlpha(0, 2, ab);
        assertArrayEquals(aa, ab, 0f);
        // image in the primary HDU: the same HDU serves both
        Path simple = FitsFixtures.write(tmp.resolve("p.fits"), new short[][] {{7, 8}}, "BAYERPAT", "RGGB");
        FitsFrame.Headers hp = FitsFrame.readHeaders(simple);
        assertEquals(0, hp.imageIndex());
        assertTrue(FitsFrame.open(simple, hp).imageInPrimaryHdu());
        assertEquals(BayerPattern.RGGB, FitsFrame.open(simple, hp).bayerPattern());
    }

    private static List<String> cards(nom.tam.fits.Header h) {
        List<String> out = new java.util.ArrayList<>();
        for (var it = h.iterator(); it.hasNext(); ) out.add(it.next().toString());
        return out;
    }

    @Test
    void mountModeAndExposureKeys() throws IOException {
        short[][] d = new short[2][2];
        assertEquals(MountMode.EQ, FitsFrame.open(FitsFixtures.write(tmp.resolve("1.fits"), d, "EQMODE", 1)).mountMode());
        assertEquals(MountMode.ALT_AZ, FitsFrame.open(FitsFixtures.write(tmp.resolve("2.fits"), d, "EQMODE", 0)).mountMode());
        assertEquals(MountMode.ALT_AZ, FitsFrame.open(FitsFixtures.write(tmp.resolve("3.fits"), d,
                "HIERARCH.MOUNT_MODE", "ALT-AZ", "EQMODE", 1)).mountMode());
        FitsFrame none = FitsFrame.open(FitsFixtures.write(tmp.resolve("4.fits"), d, "EXPOSURE", 12.5));
        assertEquals(MountMode.UNKNOWN, none.mountMode());
        assertEquals(12.5, none.exposureSeconds(), 0.0);
        assertEquals(1.0, FitsFrame.open(FitsFixtures.write(tmp.resolve("5.fits"), d)).exposureSeconds(), 0.0);
    }

    @Test
    void anExposureWhoseCommentSaysMinutesIsTakenInMinutes() throws IOException {
        // The DSS pair of ../shared/data: EXPTIME = 0 (unusable), EXPOSURE = 4.0 / Exposure time minutes.
        Path dss = Path.of("../shared/data/dss_pair/dss_test1.fits");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(dss), "../shared/data beside the checkout");
        FitsFrame plate = FitsFrame.open(dss);
        assertEquals(240.0, plate.exposureSeconds(), 0.0);
        assertTrue(plate.notes().stream().anyMatch(n -> n.contains("EXPOSURE") && n.contains("240.0 s")), plate.notes().toString());

        short[][] d = new short[2][2];
        Path min = FitsFixtures.write(tmp.resolve("min.fits"), d, "EXPOSURE", 2.5);
        Path sec = FitsFixtures.write(tmp.resolve("sec.fits"), d, "EXPTIME", 2.5);
        for (Path p : List.of(min, sec)) {
            String key = p == min ? "EXPOSURE" : "EXPTIME";
            String comment = p == min ? "[min] exposure" : "exposure in seconds (not minutes)";
            try (nom.tam.fits.Fits f = new nom.tam.fits.Fits(p.toFile())) {
                nom.tam.fits.BasicHDU<?> hdu = f.readHDU();
                hdu.getHeader().findCard(key).setComment(comment);
                Path out = tmp.resolve("c-" + p.getFileName());
                f.write(out.toFile());
                assertEquals(p == min ? 150.0 : 2.5, FitsFrame.open(out).exposureSeconds(), 0.0, comment);
            }
        }
    }

    // ---- problems ----

    @Test
    void notFitsTruncatedAndEmptyFilesAreReportedByName() throws IOException {
        Path text = Files.writeString(tmp.resolve("x.fits"), "hello, I am not an image\n".repeat(200));
        FitsReadException e = assertThrows(FitsReadException.class, () -> FitsFrame.open(text));
        assertEquals("x.fits: not a FITS file (it does not start with a SIMPLE card)", e.getMessage());
        assertEquals(text, e.file());
        // a copy that never completed: said as such
        Path zero = Files.createFile(tmp.resolve("zero.fits"));
        assertEquals("zero.fits: empty file (0 bytes): not a FITS file (an unfinished copy?)",
                assertThrows(FitsReadException.class, () -> FitsFrame.open(zero)).getMessage());

        Path full = FitsFixtures.write(tmp.resolve("full.fits"), new short[100][50]);
        Path cut = tmp.resolve("cut.fits");
        byte[] bytes = Files.readAllBytes(full);
        Files.write(cut, java.util.Arrays.copyOf(bytes, 2880 + 4000));
        e = assertThrows(FitsReadException.class, () -> FitsFrame.open(cut));
        assertEquals("cut.fits: data section is truncated: expected " + (2880 + 100 * 50 * 2) + " bytes, file has 6880",
                e.getMessage());

        Path headerCut = tmp.resolve("hcut.fits");
        Files.write(headerCut, java.util.Arrays.copyOf(bytes, 2000));
        e = assertThrows(FitsReadException.class, () -> FitsFrame.open(headerCut));
        assertEquals("hcut.fits: primary header is truncated (no END card before the end of the file)", e.getMessage());

        Path empty = FitsFixtures.writeHdus(tmp.resolve("empty.fits"), new Object[] {null, "OBJECT", "nothing"});
        e = assertThrows(FitsReadException.class, () -> FitsFrame.open(empty));
        assertTrue(e.getMessage().startsWith("empty.fits: no image HDU"), e.getMessage());
    }

    /** A gzip'ed FITS file is read whatever its name says (the gzip magic bytes decide). */
    @Test
    void gzipCompressedFitsIsReadWhateverItsName() throws IOException {
        short[][] d = new short[20][30];
        d[3][4] = 1234;
        Path plain = FitsFixtures.write(tmp.resolve("plain.fits"), d);
        for (String name : new String[] {"a.fits.gz", "b.fits"}) {
            Path gz = CompressedFixtures.gzip(plain, tmp.resolve(name));
            FitsFrame f = FitsFrame.open(gz);
            assertEquals(name, f.name());
            assertEquals(1234f, readAll(f)[0][3 * 30 + 4]);
        }
    }

    @Test
    void unsupportedBitpixIsReported() throws IOException {
        StringBuilder h = new StringBuilder();
        for (String c : new String[] {"SIMPLE  =                    T", "BITPIX  =                   24",
                "NAXIS   =                    2", "NAXIS1  =                    2", "NAXIS2  =                    2", "END"})
            h.append(String.format("%-80s", c));
        while (h.length() % 2880 != 0) h.append(' ');
        byte[] head = h.toString().getBytes(StandardCharsets.US_ASCII);
        Path p = tmp.resolve("b24.fits");
        Files.write(p, java.util.Arrays.copyOf(head, head.length + 2880));
        FitsReadException e = assertThrows(FitsReadException.class, () -> FitsFrame.open(p));
        assertEquals("b24.fits: unsupported BITPIX=24 (supported: 8, 16, 32, 64, -32, -64)", e.getMessage());
    }

    @Test
    void concurrentReadsAgree() throws Exception {
        int w = 40, h = 64;
        Random r = new Random(3);
        int[][] d = new int[h][w];
        for (int[] row : d) for (int x = 0; x < w; x++) row[x] = r.nextInt();
        FitsFrame f = FitsFrame.open(FitsFixtures.write(tmp.resolve("t.fits"), d, "BAYERPAT", "BGGR"));
        float[][] all = readAll(f);
        Thread[] ts = new Thread[4];
        Throwable[] err = new Throwable[1];
        for (int t = 0; t < ts.length; t++) {
            int band = 3 + 2 * t;
            ts[t] = new Thread(() -> {
                try {
                    for (int k = 0; k < 5; k++) assertBandsEqual(f, all, band);
                } catch (Throwable e) {
                    err[0] = e;
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) t.join();
        if (err[0] != null) throw new AssertionError(err[0]);
    }

    // ---- real frames ----

    @Test
    void realSeestarFrame() throws IOException {
        FitsFixtures.assumeData(FitsFixtures.SEESTAR_10S);
        FitsFrame f = FitsFrame.open(FitsFixtures.SEESTAR_10S);
        assertEquals(1080, f.width());
        assertEquals(1920, f.height());
        assertEquals(3, f.channels());
        assertEquals(MountMode.UNKNOWN, f.mountMode());
        assertTrue(f.seestar());
        assertEquals(BayerPattern.GRBG, f.bayerPattern());
        assertEquals(10.0, f.exposureSeconds(), 0.0);
        assertTrue(f.hasWcs(), f.wcsProblem());
        assertNull(f.wcsProblem());
        assertEquals("Light_NGC_7023_10.0s_IRCUT_20240730-224436.fit", f.name());
        assertEquals("NGC 7023", f.keys().get("OBJECT"));
        assertEquals("GRBG", f.keys().get("BAYERPAT"));
        assertEquals("T", f.keys().get("ASTAP_ZEMOSAIC_SOLVED"), "HIERARCH key by its written name");
        // CRPIX 540.5, 960.5 (1-based) is 0-based (539.5, 959.5), at CRVAL
        double[] radec = new double[2];
        Wcs wcs = f.wcs();
        wcs.pixelToWorld(539.5, 959.5, radec);
        assertEquals(315.443292767, radec[0], 1e-9);
        assertEquals(68.1263792749, radec[1], 1e-9);

        // Against nom-tam's raw data: each pixel keeps its raw value in the channel of its filter,
        // and green equals raw exactly at the G sites (x + y even for GRBG).
        short[][] raw = (short[][]) FitsFixtures.rawData(FitsFixtures.SEESTAR_10S, 0);
        float[][] all = readAll(f);
        int[] sites = new int[3];
        for (int y = 0; y < 1920; y++)
            for (int x = 0; x < 1080; x++) {
                float v = raw[y][x] + 32768f;
                int c = f.bayerPattern().colorAt(x, y);
                sites[c]++;
                if (all[c][y * 1080 + x] != v)
                    throw new AssertionError("raw value lost at " + x + "," + y + " channel " + c);
                if ((x + y) % 2 == 0 && all[1][y * 1080 + x] != v)
                    throw new AssertionError("green differs from raw at G site " + x + "," + y);
            }
        assertArrayEquals(new int[] {1080 * 1920 / 4, 1080 * 1920 / 2, 1080 * 1920 / 4}, sites);
        assertBandsEqual(f, all, 7);
    }

    /**
     * R/B order on real data. The two G sites of a 2×2 cell have equal statistics (so the header's
     * GRBG is not row-flipped into BGGR/RGGB), and NGC 7023 is a blue reflection nebula: around its
     * star HD 200775 the excess over the sky is larger in B than in R, whereas field stars (mostly
     * solar-type, seen through an IMX462 sensor that is more sensitive in red) have more R than B.
     * With R and B swapped (GBRG) both would invert.
     */
    @Test
    void realSeestarColourOrder() throws IOException {
        FitsFixtures.assumeData(FitsFixtures.SEESTAR_20S);
        FitsFrame f = FitsFrame.open(FitsFixtures.SEESTAR_20S);
        short[][] raw = (short[][]) FitsFixtures.rawData(FitsFixtures.SEESTAR_20S, 0);
        double[] siteMean = new double[4];
        for (int y = 0; y < 1920; y++)
            for (int x = 0; x < 1080; x++) siteMean[(x & 1) + 2 * (y & 1)] += raw[y][x] + 32768.0;
        for (int i = 0; i < 4; i++) siteMean[i] /= 1080 * 1920 / 4.0;
        // G sites (0,0) and (1,1) agree within 1 %, the R and B sites differ from them by more than 5 %
        assertEquals(siteMean[0], siteMean[3], siteMean[0] * 0.01);
        assertTrue(Math.abs(siteMean[1] - siteMean[0]) > 0.05 * siteMean[0]);
        assertTrue(Math.abs(siteMean[2] - siteMean[0]) > 0.05 * siteMean[0]);

        double[] xy = new double[2];
        f.wcs().worldToPixel(315.4038, 68.1631, xy); // HD 200775, the nebula's star (J2000)
        float[][] all = readAll(f);
        double[] sky = new double[3], neb = new double[3];
        boolean[] sample = new boolean[1080 * 1920];
        for (int i = 0; i < sample.length; i += 7) sample[i] = true;
        for (int c = 0; c < 3; c++) sky[c] = median(all[c], sample);
        boolean[] ring = new boolean[1080 * 1920];
        for (int y = 0; y < 1920; y++)
            for (int x = 0; x < 1080; x++) {
                double r = Math.hypot(x - xy[0], y - xy[1]);
                ring[y * 1080 + x] = r > 30 && r < 120;
            }
        for (int c = 0; c < 3; c++) neb[c] = median(all[c], ring) - sky[c];
        assertTrue(neb[2] > 1.2 * neb[0], String.format("nebula excess B %.1f should exceed R %.1f", neb[2], neb[0]));
        assertTrue(sky[0] > sky[2], "sky background is redder than blue through this sensor");
    }

    private static double median(float[] v, boolean[] mask) {
        float[] s = new float[v.length];
        int n = 0;
        for (int i = 0; i < v.length; i++) if ((mask == null || mask[i]) && Float.isFinite(v[i])) s[n++] = v[i];
        java.util.Arrays.sort(s, 0, n);
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    @Test
    void realFrameWithoutWcs() throws IOException {
        FitsFixtures.assumeData(FitsFixtures.M13);
        FitsFrame f = FitsFrame.open(FitsFixtures.M13);
        assertEquals(1392, f.width());
        assertEquals(1040, f.height());
        assertEquals(1, f.channels());
        assertFalse(f.seestar());
        assertFalse(f.hasWcs());
        assertNotNull(f.wcsProblem());
        assertTrue(f.wcsProblem().contains("CTYPE1"), f.wcsProblem());
        IllegalStateException e = assertThrows(IllegalStateException.class, f::wcs);
        assertTrue(e.getMessage().startsWith("M13_blue_0001.fits: no usable WCS"), e.getMessage());
        assertEquals(5.0, f.exposureSeconds(), 0.0);
        short[][] raw = (short[][]) FitsFixtures.rawData(FitsFixtures.M13, 0);
        float[][] band = f.newBand(3);
        f.readRows(500, 3, band);
        for (int x = 0; x < 1392; x++) assertEquals(raw[501][x] + 32768f, band[0][1392 + x], 0.0);
    }
}
