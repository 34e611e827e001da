package org.tessera.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import nom.tam.fits.header.Compression;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compressed inputs (.fits.gz, fpack'ed .fz) read as the files they compress: the same keys,
 * header cards, WCS and pixels, the frame named as the compressed file, read through a
 * decompressed copy ({@link DecompressedCopies}); and each way one cannot be read named in words.
 */
class CompressedInputsTest {

    @TempDir Path tmp;

    /** Every pixel of every channel, the alpha, the keys, the header cards and the WCS of two frames equal. */
    static void assertSameFrame(FitsFrame want, FitsFrame got) throws IOException {
        assertEquals(want.keys(), got.keys());
        assertEquals(cards(want), cards(got));
        assertEquals(want.width(), got.width());
        assertEquals(want.height(), got.height());
        assertEquals(want.channels(), got.channels());
        assertEquals(want.bitpix(), got.bitpix());
        assertEquals(want.bayerPattern(), got.bayerPattern());
        assertEquals(want.hasWcs(), got.hasWcs());
        assertEquals(want.hasAlpha(), got.hasAlpha());
        assertEquals(want.allFinite(), got.allFinite());
        assertEquals(want.exposureSeconds(), got.exposureSeconds());
        if (want.hasWcs()) {
            double[] a = new double[2], b = new double[2];
            want.wcs().pixelToWorld(17.5, 33.25, a);
            got.wcs().pixelToWorld(17.5, 33.25, b);
            assertArrayEquals(a, b, 0.0);
        }
        float[][] a = new float[want.channels()][want.width() * want.height()];
        float[][] b = new float[got.channels()][got.width() * got.height()];
        want.readRows(0, want.height(), a);
        got.readRows(0, got.height(), b);
        for (int c = 0; c < a.length; c++)
            for (int i = 0; i < a[c].length; i++)
                assertEquals(Float.floatToIntBits(a[c][i]), Float.floatToIntBits(b[c][i]), "channel " + c + " pixel " + i);
        float[] wa = new float[want.width() * want.height()], ga = new float[wa.length];
        want.readAlpha(0, want.height(), wa);
        got.readAlpha(0, got.height(), ga);
        assertArrayEquals(wa, ga);
    }

    private static List<String> cards(FitsFrame f) {
        List<String> out = new ArrayList<>();
        var it = f.header().iterator();
        while (it.hasNext()) out.add(it.next().toString().trim());
        return out;
    }

    /** A Seestar frame (BITPIX 16, BZERO 32768, GRBG, TAN WCS) and a DSS plate, gzip'ed and fpack'ed. */
    @Test
    void realFramesReadAsTheirUncompressedFiles() throws IOException {
        FitsFixtures.assumeData(FitsFixtures.SEESTAR_10S);
        for (Path orig : new Path[] {FitsFixtures.SEESTAR_10S, FitsFixtures.DATA.resolve("dss_pair/dss_test1.fits")}) {
            FitsFrame want = FitsFrame.open(orig);
            String n = orig.getFileName().toString();
            List<Path> packed = List.of(
                    CompressedFixtures.gzip(orig, tmp.resolve(n + ".gz")),
                    CompressedFixtures.fpack(orig, tmp.resolve(n + ".fz"), Compression.ZCMPTYPE_RICE_1, null),
                    CompressedFixtures.fpack(orig, tmp.resolve("g2_" + n + ".fz"), Compression.ZCMPTYPE_GZIP_2, null),
                    CompressedFixtures.gzip(tmp.resolve(n + ".fz"), tmp.resolve(n + ".fz.gz")));
            for (Path p : packed) {
                FitsFrame got = FitsFrame.open(p);
                assertTrue(got.compressed(), p.toString());
                assertEquals(p.getFileName().toString(), got.name());
                assertEquals(p, got.path());
                assertEquals(want.imageInPrimaryHdu(), got.imageInPrimaryHdu(), p.toString());
                assertSameFrame(want, got);
                // built from headers read elsewhere (a cluster's executor), as the Spark module does
                assertSameFrame(want, FitsFrame.open(p, FitsFrame.readHeaders(p)));
            }
            assertFalse(want.compressed());
            assertEquals(orig, want.readableFile());
        }
    }

    /** The compressed copies of {@code orig} a user may have: gzip'ed, and fpack'ed with each lossless algorithm. */
    private List<Path> packed(Path orig, String... algorithms) throws IOException {
        String n = orig.getFileName().toString();
        List<Path> out = new ArrayList<>();
        out.add(CompressedFixtures.gzip(orig, tmp.resolve(n + ".gz")));
        for (String a : algorithms) out.add(CompressedFixtures.fpack(orig, tmp.resolve(a + "_" + n + ".fz"), a, null));
        return out;
    }

    /** BITPIX 8, 16, 32, 64, -32, -64 with BZERO/BSCALE and BLANK (NaN and infinities in the floats). */
    @Test
    void everyBitpixWithItsScalingReadsAsTheUncompressedFile() throws IOException {
        FitsFixtures.EveryBitpix e = new FitsFixtures.EveryBitpix(37, 23);
        e.f32[5][6] = Float.NaN;
        List<Path> files = e.write(tmp);
        String[] ints = {Compression.ZCMPTYPE_RICE_1, Compression.ZCMPTYPE_GZIP_1, Compression.ZCMPTYPE_GZIP_2,
                Compression.ZCMPTYPE_HCOMPRESS_1, Compression.ZCMPTYPE_NOCOMPRESS};
        String[] floats = {Compression.ZCMPTYPE_GZIP_1, Compression.ZCMPTYPE_GZIP_2, Compression.ZCMPTYPE_NOCOMPRESS};
        // per file (BITPIX 8, 16, 32, 64, -32, -64) the algorithms that keep it lossless
        String[][] algorithms = {ints, ints, ints, {Compression.ZCMPTYPE_GZIP_1}, floats, floats};
        int compared = 0;
        for (int k = 0; k < files.size(); k++) {
            Path orig = files.get(k);
            FitsFrame want = FitsFrame.open(orig);
            for (Path p : packed(orig, algorithms[k])) {
                assertSameFrame(want, FitsFrame.open(p));
                compared++;
            }
        }
        assertEquals(6 + 3 * 5 + 1 + 2 * 3, compared);
    }

    /** An image in an extension with an ALPHA mask, and a colour cube: every HDU restored where it was. */
    @Test
    void extensionImageWithAlphaAndColourCubeReadAsTheUncompressedFiles() throws IOException {
        int w = 40, h = 30;
        float[][] img = new float[h][w];
        byte[][] alpha = new byte[h][w];
        float[][][] cube = new float[3][h][w];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                img[y][x] = (float) Math.sin(x * 0.3 + y * 0.7) * 1000f;
                alpha[y][x] = (byte) ((x + y) % 5 == 0 ? 0 : 255);
                for (int c = 0; c < 3; c++) cube[c][y][x] = c * 1000 + y * w + x + 0.5f;
            }
        Path ext = FitsFixtures.writeHdus(tmp.resolve("ext.fits"), new Object[] {null, "OBJECT", "M 31", "EXPTIME", 30.0},
                new Object[] {img, "EXTNAME", "SCI", "BUNIT", "adu"}, new Object[] {alpha, "EXTNAME", "ALPHA"});
        Path rgb = FitsFixtures.write(tmp.resolve("rgb.fits"), cube, "OBJECT", "cube");
        for (Path orig : new Path[] {ext, rgb}) {
            FitsFrame want = FitsFrame.open(orig);
            for (Path p : packed(orig, Compression.ZCMPTYPE_GZIP_1, Compression.ZCMPTYPE_GZIP_2)) {
                FitsFrame got = FitsFrame.open(p);
                assertSameFrame(want, got);
                assertEquals(orig == ext ? 1 : 3, got.channels());
            }
        }
        FitsFrame a = FitsFrame.open(tmp.resolve("GZIP_2_ext.fits.fz"));
        assertTrue(a.hasAlpha());
        assertFalse(a.imageInPrimaryHdu());
        assertEquals("M 31", a.keys().get("OBJECT"));
        float[] v = new float[w * h];
        a.readAlpha(0, h, v);
        assertEquals(0f, v[0]);
        assertEquals(1f, v[1]);
    }

    /** A committed fixture of src/test/resources/fixtures/compressed (made by its make_fixtures.py), copied into tmp. */
    private Path fixture(String name) throws IOException {
        try (var in = CompressedInputsTest.class.getResourceAsStream("/fixtures/compressed/" + name)) {
            assertNotNull(in, "missing test fixture fixtures/compressed/" + name);
            Path p = tmp.resolve(name);
            Files.copy(in, p, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return p;
        }
    }

    /** Every pixel of a frame, as read. */
    private static float[] pixels(FitsFrame f) throws IOException {
        float[][] v = new float[1][f.width() * f.height()];
        f.readRows(0, f.height(), v);
        return v[0];
    }

    /**
     * Quantized floats (fpack at its default level 16, and astropy) read cfitsio's values bit for
     * bit: NO_DITHER, SUBTRACTIVE_DITHER_1 and _2 (exact zeros kept), RICE_1, HCOMPRESS_1, GZIP_1,
     * GZIP_2 with tiles narrower than the image, BITPIX -32 and -64, dither seeds wrapping past
     * 10000, and NaN where the tile holds the ZBLANK integer. The reference is the cfitsio
     * library's decode (make_fixtures.py), which astropy's equals except at blank pixels.
     */
    @Test
    void quantizedFloatsReadCfitsiosValuesBitForBit() throws IOException {
        String[] names = {"nd_rice", "d1_rice", "d2_rice", "d1_hcomp", "d2_gzip2_tiles", "d1_double", "astropy_d1"};
        int[] nans = {4, 4, 4, 4, 4, 2, 0};
        for (int k = 0; k < names.length; k++) {
            FitsFrame want = FitsFrame.open(fixture(names[k] + ".expect.fits"));
            FitsFrame got = FitsFrame.open(fixture(names[k] + ".fits.fz"));
            assertTrue(got.compressed());
            assertEquals(want.width(), got.width(), names[k]);
            assertEquals(want.height(), got.height(), names[k]);
            assertEquals(names[k].equals("d1_double") ? -64 : -32, got.bitpix(), names[k]);
            float[] a = pixels(want), b = pixels(got);
            int nan = 0;
            for (int i = 0; i < a.length; i++) {
                assertEquals(Float.isNaN(a[i]), Float.isNaN(b[i]), names[k] + " pixel " + i + " NaN");
                if (Float.isNaN(a[i])) nan++;
                else assertEquals(Float.floatToIntBits(a[i]), Float.floatToIntBits(b[i]), names[k] + " pixel " + i);
            }
            assertEquals(nans[k], nan, names[k]);
        }
        // the values themselves (cfitsio's, printed by Python): NO_DITHER has no half-step offset
        float[] nd = pixels(FitsFrame.open(fixture("nd_rice.fits.fz")));
        float[] d2 = pixels(FitsFrame.open(fixture("d2_rice.fits.fz")));
        assertEquals(ND_RICE_81, nd[81]);
        assertEquals(D2_RICE_81, d2[81]);
        assertTrue(Float.isNaN(nd[3 * 80 + 5]));
        assertEquals(0f, d2[0]);               // exactly 0 in the original: SUBTRACTIVE_DITHER_2 keeps it
        assertEquals(0f, d2[5 * 80 + 5]);
        assertEquals(0f, d2[20 * 80 + 33]);
    }

    /** cfitsio's values of pixel (1, 1) of nd_rice.fits.fz and d2_rice.fits.fz (make_fixtures.py's decode). */
    private static final float ND_RICE_81 = 1064.779296875f, D2_RICE_81 = 1066.00537109375f;

    /** Quantized floats without ZQUANTIZ (written before 2009) read as cfitsio reads them: not dithered. */
    @Test
    void quantizedFloatsWithoutZquantizReadUndithered() throws IOException {
        Path fz = fixture("nd_rice.fits.fz");
        patch(fz, "ZQUANTIZ= 'NO_DITHER'", "OLDQUANT= 'NO_DITHER'");
        float[] a = pixels(FitsFrame.open(fixture("nd_rice.expect.fits"))), b = pixels(FitsFrame.open(fz));
        for (int i = 0; i < a.length; i++) assertEquals(Float.floatToIntBits(a[i]), Float.floatToIntBits(b[i]), "pixel " + i);
    }

    /**
     * Floats of an image with BSCALE = 0.5 and BZERO = 1000 (astropy wrote them) read cfitsio's
     * values bit for bit (fits_read_img, make_fixtures.py): quantized, each tile scaled by ZSCALE ·
     * BSCALE and ZZERO · BSCALE + BZERO, and tile 3, whose product is exactly 1 and 0, by BSCALE
     * and BZERO instead (cfitsio's case for a tile stored unscaled); lossless, the stored floats
     * scaled by BSCALE and BZERO. The quantized copies hold the scaled values without the two keys.
     */
    @Test
    void floatsWithBscaleAndBzeroReadCfitsiosValuesBitForBit() throws IOException {
        for (String name : new String[] {"bscale_d1", "bscale_nd", "bscale_lossless"}) {
            float[] a = pixels(FitsFrame.open(fixture(name + ".expect.fits")));
            FitsFrame fz = FitsFrame.open(fixture(name + ".fits.fz"));
            float[] b = pixels(fz);
            assertEquals(80 * 60, b.length, name);
            for (int i = 0; i < a.length; i++)
                assertEquals(Float.floatToIntBits(a[i]), Float.floatToIntBits(b[i]), name + " pixel " + i);
            boolean lossless = name.equals("bscale_lossless");
            assertEquals(lossless ? "0.5" : null, fz.keys().get("BSCALE") == null ? null : fz.keys().get("BSCALE").trim(), name);
            assertEquals(lossless ? "1000.0" : null, fz.keys().get("BZERO") == null ? null : fz.keys().get("BZERO").trim(), name);
        }
        // pixel (0, 2), tile 3: ZSCALE 2 and ZZERO -2000 make 1 and 0 with BSCALE and BZERO, so
        // cfitsio scales its integer by 0.5 and adds 1000 (without that case: the integer, 88)
        assertEquals(1044.123046875f, pixels(FitsFrame.open(fixture("bscale_d1.fits.fz")))[160]);
        assertEquals(1044.0f, pixels(FitsFrame.open(fixture("bscale_nd.fits.fz")))[160]);
        assertEquals(1528.5f, pixels(FitsFrame.open(fixture("bscale_lossless.fits.fz")))[160]);
        // the rule itself: combined where BSCALE/BZERO are not 1 and 0, BSCALE/BZERO where that gives 1 and 0
        assertArrayEquals(new double[] {0.25, 999.0}, CfitsioDequantization.tileScaling(0.5, -2.0, 0.5, 1000.0));
        assertArrayEquals(new double[] {0.5, 1000.0}, CfitsioDequantization.tileScaling(2.0, -2000.0, 0.5, 1000.0));
        assertArrayEquals(new double[] {0.5, 1000.0}, CfitsioDequantization.tileScaling(1.0, 0.0, 0.5, 1000.0));
        assertArrayEquals(new double[] {0.5, -2.0}, CfitsioDequantization.tileScaling(0.5, -2.0, 1.0, 0.0));
        assertArrayEquals(new double[] {1.0, 0.0}, CfitsioDequantization.tileScaling(1.0, 0.0, 1.0, 0.0));
    }

    /**
     * A quantized image whose ZQUANTIZ names a method Tessera does not know is refused with the
     * file and the value (cfitsio and nom-tam-fits would read it as NO_DITHER, any dither left in
     * it), and one whose scale is a keyword, not a column; on lossless floats, which are not
     * dequantized, ZQUANTIZ does not matter.
     */
    @Test
    void anUnknownQuantizationOrAScaleKeywordIsNamedAndLosslessFloatsIgnoreZquantiz() throws IOException {
        Path fz = fixture("nd_rice.fits.fz");
        patch(fz, "ZQUANTIZ= 'NO_DITHER'", "ZQUANTIZ= 'NODITHER2'");
        assertEquals("nd_rice.fits.fz: tile-compressed image (HDU 1) quantized with ZQUANTIZ='NODITHER2', a method "
                + "Tessera cannot dequantize (it reads NO_DITHER, SUBTRACTIVE_DITHER_1, SUBTRACTIVE_DITHER_2)", problem(fz));
        Path d1 = fixture("d1_rice.fits.fz");
        patch(d1, "ZQUANTIZ= 'SUBTRACTIVE_DITHER_1'", "ZQUANTIZ= 'subtractive_dither_1'");
        assertEquals("d1_rice.fits.fz: tile-compressed image (HDU 1) quantized with ZQUANTIZ='subtractive_dither_1', a method "
                + "Tessera cannot dequantize (it reads NO_DITHER, SUBTRACTIVE_DITHER_1, SUBTRACTIVE_DITHER_2)", problem(d1));
        // the scale as keywords instead of columns: cfitsio reads the integers' bits as floats, nom-tam-fits 0 everywhere
        Path keys = fixture("nd_rice.fits.fz");
        patch(keys, "TTYPE2  = 'ZSCALE  '", "TTYPE2  = 'ZSCALX  '");
        patch(keys, "TTYPE3  = 'ZZERO   '", "TTYPE3  = 'ZZERX   '");
        String history = new String(Files.readAllBytes(keys), java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = history.indexOf("HISTORY Image was compressed");
        patch(keys, history.substring(at, at + 80), String.format("%-80s", "ZSCALE  =                 0.25"));
        assertEquals("nd_rice.fits.fz: tile-compressed image (HDU 1) gives its quantization as ZSCALE/ZZERO keywords "
                + "instead of table columns, which no reader agrees on how to read", problem(keys));
        Path lossless = fixture("bscale_lossless.fits.fz");
        patch(lossless, "ZQUANTIZ= 'NO_DITHER'", "ZQUANTIZ= 'NODITHER2'");
        float[] a = pixels(FitsFrame.open(fixture("bscale_lossless.expect.fits"))), b = pixels(FitsFrame.open(lossless));
        for (int i = 0; i < a.length; i++) assertEquals(Float.floatToIntBits(a[i]), Float.floatToIntBits(b[i]), "pixel " + i);
    }

    /**
     * cfitsio's random sequence (fits_init_randoms): its first values and the 10000th seed it
     * checks, and a dithered tile dequantized with them, NaN for the blank integer.
     */
    @Test
    void cfitsiosRandomSequenceAndDequantization() {
        assertEquals((float) (16807 / 2147483647.0), CfitsioDequantization.random(0));
        assertEquals((float) (282475249 / 2147483647.0), CfitsioDequantization.random(1));
        var in = java.nio.IntBuffer.wrap(new int[] {100, -2147483647, CfitsioDequantization.ZERO_VALUE, 100});
        var out = java.nio.FloatBuffer.allocate(4);
        CfitsioDequantization.dequantize(in, out, 0.25, 1000.0, true, true, -2147483647, 0);
        int r = (int) (CfitsioDequantization.random(0) * 500f);
        assertEquals((float) ((100 - (double) CfitsioDequantization.random(r) + 0.5) * 0.25 + 1000.0), out.get(0));
        assertTrue(Float.isNaN(out.get(1)));
        assertEquals(0f, out.get(2));
        assertEquals((float) ((100 - (double) CfitsioDequantization.random(r + 3) + 0.5) * 0.25 + 1000.0), out.get(3));
        var nd = java.nio.FloatBuffer.allocate(1);
        CfitsioDequantization.dequantize(java.nio.IntBuffer.wrap(new int[] {7}), nd, 0.25, 1000.0, false, false, null, 0);
        assertEquals(1001.75f, nd.get(0));
    }

    /**
     * PLIO_1 (fpack -p) images of BITPIX 16, 8 and unsigned 16 (BZERO 32768, values to 65535,
     * which cfitsio puts into the tiles unsigned) read as the integers compressed.
     */
    @Test
    void plioImagesReadTheirIntegers() throws IOException {
        for (String m : new String[] {"mask16", "mask8", "masku16"}) {
            FitsFrame want = FitsFrame.open(fixture(m + ".fits")), got = FitsFrame.open(fixture(m + "_plio.fits.fz"));
            assertTrue(got.compressed());
            assertEquals(want.bitpix(), got.bitpix());
            float[] a = pixels(want), b = pixels(got);
            for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], m + " pixel " + i);
        }
        float[] v = pixels(FitsFrame.open(fixture("mask16_plio.fits.fz")));
        int w = 120;
        assertEquals(32767f, v[119]);
        assertEquals(4095f, v[30 * w + 100]);
        assertEquals(255f, v[25 * w + 3]);
        assertEquals(7f, v[10 * w + 30]);
        assertEquals(1f, v[0]);
        assertEquals(0f, v[1 * w + 7 * 2]);
        float[] b8 = pixels(FitsFrame.open(fixture("mask8_plio.fits.fz")));
        assertEquals(255f, b8[119]); // 32767 % 256
        float[] u = pixels(FitsFrame.open(fixture("masku16_plio.fits.fz")));
        assertEquals(65535f, u[119]);
        assertEquals(40000f, u[30 * w + 100]);
        assertEquals(255f, u[25 * w + 3]);
        assertEquals(1f, u[0]);
        assertEquals(0f, u[1 * w + 7 * 2]);
    }

    /** nom-tam-fits' own decode of the first HDU after the primary of {@code fz}, row by row of pixels. */
    private static float[] nomTamDecode(Path fz, int n) throws Exception {
        try (nom.tam.fits.Fits nf = new nom.tam.fits.Fits(fz.toFile())) {
            var c = (nom.tam.image.compression.hdu.CompressedImageHDU) nf.getHDU(1);
            float[] out = new float[n];
            ((java.nio.FloatBuffer) c.getUncompressedData()).get(out);
            return out;
        }
    }

    /**
     * Where nom-tam-fits' own values differ from cfitsio's (so Tessera dequantizes itself): with
     * NO_DITHER by exactly half a quantization step (its {@code (I + 0.5) * ZSCALE + ZZERO}, where
     * the convention and cfitsio have {@code I * ZSCALE + ZZERO}), and by up to one float step with
     * SUBTRACTIVE_DITHER_1 (its random values in double, cfitsio's in float); and NaN where the
     * quantized integer is 0 (it reads fpack's ZBLANK key as 0). A quantized .fz that nom-tam-fits
     * wrote reads within a float step of nom-tam-fits' decode.
     */
    @Test
    void nomTamFitsOwnDequantizationDiffersFromCfitsios() throws Exception {
        int n = 80 * 60;
        Path nd = fixture("nd_rice.fits.fz");
        float[] want = pixels(FitsFrame.open(fixture("nd_rice.expect.fits"))), nomTam = nomTamDecode(nd, n);
        double[] zscale;
        try (nom.tam.fits.Fits nf = new nom.tam.fits.Fits(nd.toFile())) {
            var c = (nom.tam.image.compression.hdu.CompressedImageHDU) nf.getHDU(1);
            zscale = (double[]) c.getData().getFlattenedColumn(c.findColumn("ZSCALE")); // one row per tile
        }
        int compared = 0, blankZero = 0;
        for (int i = 0; i < n; i++) {
            if (Float.isNaN(want[i])) continue;
            if (Float.isNaN(nomTam[i])) { // nom-tam-fits takes the ZBLANK key as 0: a quantized 0 reads NaN
                blankZero++;
                continue;
            }
            assertEquals(0.5 * zscale[i / 80], nomTam[i] - want[i], Math.ulp(Math.max(want[i], nomTam[i])), "pixel " + i);
            compared++;
        }
        assertEquals(n - 4, compared + blankZero);
        assertTrue(blankZero > 0 && blankZero < n / 20, "NaN for quantized zeros: " + blankZero);
        assertTrue(zscale[1] > 1, "the step of row 1: " + zscale[1]);

        float[] d1 = pixels(FitsFrame.open(fixture("d1_rice.expect.fits"))), d1NomTam = nomTamDecode(fixture("d1_rice.fits.fz"), n);
        int differ = 0;
        for (int i = 0; i < n; i++) {
            if (Float.isNaN(d1[i]) || Float.isNaN(d1NomTam[i])) continue;
            assertEquals(d1[i], d1NomTam[i], Math.ulp(d1[i]), "pixel " + i);
            if (d1[i] != d1NomTam[i]) differ++;
        }
        assertTrue(differ > 0 && differ < n / 10, "differ by a float step: " + differ);

        int w = 64, h = 48;
        float[][] f = new float[h][w];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) f[y][x] = (float) (1000 + 50 * Math.sin(x * 0.37) * Math.cos(y * 0.21) + (x * 7919 + y * 104729) % 97 * 0.013);
        Path fz = CompressedFixtures.fpack(FitsFixtures.write(tmp.resolve("float.fits"), f), tmp.resolve("lossy.fits.fz"),
                Compression.ZCMPTYPE_RICE_1, Compression.ZQUANTIZ_SUBTRACTIVE_DITHER_1);
        float[] decoded = nomTamDecode(fz, w * h), got = pixels(FitsFrame.open(fz));
        int changed = 0;
        for (int i = 0; i < decoded.length; i++) {
            assertEquals(decoded[i], got[i], Math.ulp(decoded[i]), "pixel " + i);
            if (got[i] != f[i / w][i % w]) changed++;
        }
        assertTrue(changed > decoded.length / 2, "quantized: most values differ from the original, " + changed);
    }

    // ---- errors: the file and the problem in plain words ----

    private Path plain() throws IOException {
        short[][] d = new short[30][40];
        for (int y = 0; y < 30; y++) for (int x = 0; x < 40; x++) d[y][x] = (short) (x * 31 + y * 17);
        return FitsFixtures.write(tmp.resolve("plain.fits"), d, "OBJECT", "test");
    }

    private static String problem(Path p) {
        return assertThrows(FitsReadException.class, () -> FitsFrame.open(p)).getMessage();
    }

    /** Replaces the first occurrence of {@code from} in the file's bytes by {@code to} (same length). */
    private static void patch(Path p, String from, String to) throws IOException {
        byte[] b = Files.readAllBytes(p);
        String s = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = s.indexOf(from);
        assertTrue(at >= 0, from);
        byte[] t = to.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertEquals(from.length(), t.length);
        System.arraycopy(t, 0, b, at, t.length);
        Files.write(p, b);
    }

    @Test
    void aTruncatedOrDamagedGzipFileIsNamedWithTheProblem() throws IOException {
        Path gz = CompressedFixtures.gzip(plain(), tmp.resolve("a.fits.gz"));
        byte[] all = Files.readAllBytes(gz);
        Path cut = Files.write(tmp.resolve("cut.fits.gz"), java.util.Arrays.copyOf(all, all.length / 2));
        assertEquals("cut.fits.gz: truncated gzip file: it ends before its compressed data do (an unfinished copy or download?)",
                problem(cut));
        Path tiny = Files.write(tmp.resolve("tiny.fit.gz"), java.util.Arrays.copyOf(all, 5));
        assertEquals("tiny.fit.gz: truncated gzip file: it ends inside the gzip header (an unfinished copy or download?)",
                problem(tiny));
        byte[] bad = all.clone();
        bad[all.length - 5] ^= 0x55; // the trailer's length: the data no longer match it
        Path damaged = Files.write(tmp.resolve("damaged.fits.gz"), bad);
        assertTrue(problem(damaged).startsWith("damaged.fits.gz: damaged gzip file: "), problem(damaged));
        Path text = tmp.resolve("notes.fits.gz");
        try (var o = new java.util.zip.GZIPOutputStream(Files.newOutputStream(text))) {
            o.write("observing notes, not an image".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        assertEquals("notes.fits.gz: gzip-compressed file whose content is not usable FITS: not a FITS file "
                + "(it does not start with a SIMPLE card)", problem(text));
    }

    @Test
    void aDamagedTileAnImagelessHduAndAnUnknownAlgorithmAreNamed() throws IOException {
        Path orig = plain();
        short[][] rows = new short[20][600]; // rows long enough for gzip to pay: every tile is compressed
        for (int y = 0; y < 20; y++) for (int x = 0; x < 600; x++) rows[y][x] = (short) (x / 10 + y);
        Path fz = CompressedFixtures.fpack(FitsFixtures.write(tmp.resolve("rows.fits"), rows), tmp.resolve("tiles.fits.fz"),
                Compression.ZCMPTYPE_GZIP_1, null);
        byte[] b = Files.readAllBytes(fz);
        // the heap (the tiles' bytes) ends the file's data: overwrite its middle
        java.util.List<FitsStructure.Hdu> hdus = FitsStructure.read(fz);
        long end = hdus.get(1).dataOffset() + hdus.get(1).dataBytes();
        for (int i = 0; i < 200; i++) b[(int) end - 400 + i] = (byte) (i * 37);
        Path broken = Files.write(tmp.resolve("broken.fits.fz"), b);
        assertTrue(problem(broken).startsWith("broken.fits.fz: damaged tile-compressed image (HDU 1, GZIP_1): "
                + "a tile cannot be decoded ("), problem(broken));

        // a tile's pointer into the heap damaged (the first row's descriptor: its length and offset):
        // nom-tam-fits allocated the length it says, and the run stopped "out of memory" with the
        // advice of a larger heap
        byte[] p = Files.readAllBytes(fz);
        int row0 = (int) hdus.get(1).dataOffset();
        byte[] huge = {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xf0};
        for (int i = 0; i < 8; i++) p[row0 + i] = huge[i % 4];
        Path pointer = Files.write(tmp.resolve("pointer.fits.fz"), p);
        assertEquals("pointer.fits.fz: damaged tile-compressed image (HDU 1): tile 1 of 20 points outside the table's data "
                + "(2147483632 value(s) at byte 2147483632 of a heap of " + (hdus.get(1).dataBytes()
                - hdus.get(1).header().getLongValue("NAXIS1", 0) * 20) + " bytes): a damaged or altered file", problem(pointer));

        Path none = CompressedFixtures.fpack(orig, tmp.resolve("none.fz"), Compression.ZCMPTYPE_RICE_1, null);
        patch(none, "ZNAXIS  =                    2", "ZNAXIS  =                    0");
        assertEquals("none.fz: the tile-compressed HDU 1 holds no image (ZNAXIS=0)", problem(none));

        Path other = CompressedFixtures.fpack(orig, tmp.resolve("other.fz"), Compression.ZCMPTYPE_RICE_1, null);
        patch(other, "'RICE_1  '", "'BZIP2_1 '");
        assertEquals("other.fz: tile-compressed image (HDU 1) uses the compression ZCMPTYPE='BZIP2_1', which Tessera "
                + "cannot decode (it reads GZIP_1, GZIP_2, HCOMPRESS_1, NOCOMPRESS, PLIO_1, RICE_1, RICE_ONE)", problem(other));
    }

    /**
     * The tile table is checked in one pass of reads of whole rows: a damaged pointer is named by
     * its row whether the rows are read all at once, one at a time, or three at a time (the last
     * read of two); an intact table passes at every size.
     */
    @Test
    void aDamagedPointerIsNamedByItsRowWhateverTheReadSize() throws IOException {
        short[][] rows = new short[20][600];
        for (int y = 0; y < 20; y++) for (int x = 0; x < 600; x++) rows[y][x] = (short) (x / 10 + y);
        Path fz = CompressedFixtures.fpack(FitsFixtures.write(tmp.resolve("rows.fits"), rows), tmp.resolve("tiles.fits.fz"),
                Compression.ZCMPTYPE_GZIP_1, null);
        FitsStructure.Hdu table = FitsStructure.read(fz).get(1);
        int rowBytes = (int) table.header().getLongValue("NAXIS1", 0);
        long heap = table.dataBytes() - (long) rowBytes * 20;
        for (int size : new int[] {1 << 20, 1, rowBytes, 3 * rowBytes, 3 * rowBytes + 1})
            try (var ch = java.nio.channels.FileChannel.open(fz)) {
                CompressedFits.checkHeap(fz, ch, table, size);
            }
        byte[] b = Files.readAllBytes(fz);
        for (int row : new int[] {19, 6}) { // the last row, then one in the third read of three rows: the first named
            int at = (int) table.dataOffset() + row * rowBytes + 4; // the descriptor's offset into the heap
            b[at] = 0x10;
        }
        Path damaged = Files.write(tmp.resolve("damaged.fits.fz"), b);
        for (int size : new int[] {1 << 20, 1, rowBytes, 3 * rowBytes, 3 * rowBytes + 1})
            try (var ch = java.nio.channels.FileChannel.open(damaged)) {
                FitsReadException e = assertThrows(FitsReadException.class,
                        () -> CompressedFits.checkHeap(damaged, ch, table, size));
                assertTrue(e.getMessage().startsWith("damaged.fits.fz: damaged tile-compressed image (HDU 1): tile 7 of 20 "
                        + "points outside the table's data ("), e.getMessage());
                assertTrue(e.getMessage().endsWith(" of a heap of " + heap + " bytes): a damaged or altered file"), e.getMessage());
            }
        b[(int) table.dataOffset() + 6 * rowBytes + 4] = Files.readAllBytes(fz)[(int) table.dataOffset() + 6 * rowBytes + 4];
        Path last = Files.write(tmp.resolve("last.fits.fz"), b);
        assertTrue(problem(last).startsWith("last.fits.fz: damaged tile-compressed image (HDU 1): tile 20 of 20 points "
                + "outside the table's data ("), problem(last));
    }

    /** A full disk while decompressing names the input, the folder and what to do (the copy written into /dev/full). */
    @Test
    void aFullDiskWhileDecompressingSaysWhereAndWhatToDo() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/dev/full")), "/dev/full (Linux)");
        Path orig = plain();
        FitsFrame.open(CompressedFixtures.gzip(orig, tmp.resolve("first.fits.gz"))); // the folder exists
        Path dir = DecompressedCopies.location();
        for (Path p : new Path[] {CompressedFixtures.gzip(orig, tmp.resolve("full.fits.gz")),
                CompressedFixtures.fpack(orig, tmp.resolve("full.fits.fz"), Compression.ZCMPTYPE_RICE_1, null)}) {
            String name = DecompressedCopies.copyName(p);
            Path part = dir.resolve(name + ".part"), gunzip = dir.resolve(name + ".gunzip");
            Files.createSymbolicLink(part, Path.of("/dev/full"));
            Files.createSymbolicLink(gunzip, Path.of("/dev/full"));
            try {
                String m = problem(p);
                assertTrue(m.startsWith(p.getFileName() + ": cannot decompress into " + dir + ": the disk is full ("), m);
                assertTrue(m.endsWith("a run's compressed inputs need their uncompressed size there; free some space, "
                        + "or give Java another temporary folder (JAVA_OPTS=-Djava.io.tmpdir=/a/larger/disk)"), m);
            } finally {
                Files.deleteIfExists(part);
                Files.deleteIfExists(gunzip);
            }
            assertFalse(Files.exists(dir.resolve(name)), "no copy left");
        }
        // in a scan, the run's failure (the other compressed files would not fit either), not a skipped file
        Path in = Files.createDirectories(tmp.resolve("in"));
        Files.copy(orig, in.resolve("a.fits"));
        Path gz = CompressedFixtures.gzip(orig, in.resolve("b.fits.gz"));
        Path part = dir.resolve(DecompressedCopies.copyName(gz) + ".gunzip");
        Files.createSymbolicLink(part, Path.of("/dev/full"));
        try {
            IOException e = assertThrows(IOException.class,
                    () -> FrameScanner.scanFrames(List.of(in), null, FrameReading.AS_STORED, false));
            assertTrue(e.getMessage().startsWith(gz.toAbsolutePath() + ": cannot decompress into " + dir + ": the disk is full ("),
                    e.getMessage());
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /**
     * A full disk stops the scan whichever way it reads the frames, as a problem of its kind
     * (FrameScanner.Kind.DISK_FULL, set where the copy failed): the local scan, the Spark module's
     * (headers read elsewhere, then selectFrames) and Grid mode's (GridInputs, each reason prefixed
     * by its plan line). A file's own problem is skipped even when its reason holds the words of a
     * full disk (a .fz whose ZCMPTYPE is 'the disk is full (': its value is quoted in the reason).
     */
    @Test
    void theScansStopAtAFullDiskAndOnlyThere() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/dev/full")), "/dev/full (Linux)");
        Path orig = plain();
        Path in = Files.createDirectories(tmp.resolve("in"));
        Path a = Files.copy(orig, in.resolve("a.fits"));
        // a file problem in the words of a full disk: skipped, the scan goes on
        Path odd = CompressedFixtures.fpack(orig, in.resolve("odd.fits.fz"), Compression.ZCMPTYPE_RICE_1, null);
        String text = new String(Files.readAllBytes(odd), java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = text.indexOf("ZCMPTYPE= 'RICE_1  '");
        patch(odd, text.substring(at, at + 80), String.format("%-80s", "ZCMPTYPE= 'the disk is full ('"));
        FrameScanner.Scan scan = FrameScanner.scanFrames(List.of(in), null, FrameReading.AS_STORED, false);
        assertEquals(List.of(a), scan.frames().stream().map(FitsFrame::path).toList());
        assertEquals(List.of(new FrameScanner.Problem(odd, "tile-compressed image (HDU 1) uses the compression "
                + "ZCMPTYPE='the disk is full (', which Tessera cannot decode (it reads GZIP_1, GZIP_2, HCOMPRESS_1, "
                + "NOCOMPRESS, PLIO_1, RICE_1, RICE_ONE)", FrameScanner.Kind.FILE)), scan.skipped());
        FrameScanner.stopAtFullDisk(List.of(new FrameScanner.Problem(a, "cannot read: the disk is full (No space left on device)")));
        Files.delete(odd);

        FitsFrame.open(CompressedFixtures.gzip(orig, tmp.resolve("first.fits.gz"))); // the folder exists
        Path dir = DecompressedCopies.location();
        Path gz = CompressedFixtures.gzip(orig, in.resolve("b.fits.gz"));
        Path part = dir.resolve(DecompressedCopies.copyName(gz) + ".gunzip");
        try {
            String said = "cannot decompress into " + dir + ": the disk is full (";
            full(part); // each failed copy removes its scratch file: linked to /dev/full again before each scan
            IOException local = assertThrows(IOException.class,
                    () -> FrameScanner.scanFrames(List.of(in), null, FrameReading.AS_STORED, false));
            assertTrue(local.getMessage().startsWith(gz.toAbsolutePath() + ": " + said), local.getMessage());
            // the Spark module's scan: headers read on an executor, the frames built and selected on the driver
            full(part);
            FrameScanner.HeaderRead read = FrameScanner.readHeaders(gz);
            assertEquals(FrameScanner.Kind.DISK_FULL, read.kind());
            assertTrue(read.problem().startsWith(said), read.problem());
            List<FrameScanner.Opened> opened = List.of(FrameScanner.open(a, false),
                    FrameScanner.opened(gz, read, FrameReading.AS_STORED));
            IOException spark = assertThrows(IOException.class, () -> FrameScanner.selectFrames(opened, List.of()));
            assertEquals(local.getMessage(), spark.getMessage());
            // Grid mode: the plan's lines opened, the reason prefixed by the line, the kind kept
            Path csv = Files.writeString(in.resolve("stack_plan.csv"), "path\na.fits\nb.fits.gz\n");
            full(part);
            org.tessera.grid.GridInputs.Split split = org.tessera.grid.GridInputs.open(org.tessera.grid.StackPlan.read(csv),
                    new org.tessera.tiles.AltAzGating(false, false, org.tessera.tiles.AltAzGating.UnknownPolicy.EQ));
            FrameScanner.Problem full = split.skipped().stream().filter(p -> p.file().equals(gz)).findFirst().orElseThrow();
            assertEquals(FrameScanner.Kind.DISK_FULL, full.kind());
            assertTrue(full.reason().startsWith("line 3: " + said), full.reason());
            IOException grid = assertThrows(IOException.class, () -> FrameScanner.stopAtFullDisk(split.skipped()));
            assertEquals(gz + ": " + full.reason(), grid.getMessage());
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /** {@code scratch} made a link to /dev/full (every write fails: the disk is full). */
    private static void full(Path scratch) throws IOException {
        Files.deleteIfExists(scratch);
        Files.createSymbolicLink(scratch, Path.of("/dev/full"));
    }

    /** The folder of a process that was killed (no exit to delete it) goes at the next one's first copy; others stay. */
    @Test
    void foldersLeftByProcessesNoLongerRunningAreDeleted() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        Path dead = Files.createDirectories(tmp.resolve("tessera-decompressed-" + p.pid()));
        Files.writeString(dead.resolve("1-a.fits"), "a copy left behind");
        Path alive = Files.createDirectories(tmp.resolve("tessera-decompressed-" + ProcessHandle.current().pid()));
        Path other = Files.createDirectories(tmp.resolve("tessera-decompressed-notes"));
        DecompressedCopies.deleteLeftBehind(tmp);
        assertFalse(Files.exists(dead));
        assertTrue(Files.isDirectory(alive));
        assertTrue(Files.isDirectory(other));
    }

    /**
     * As cfitsio (fpack) and astropy write lossless floats: ZQUANTIZ = 'NO_DITHER' without a
     * quantization scale, and the table named EXTNAME = 'COMPRESSED_IMAGE'. nom-tam-fits alone
     * decodes such a file as all zeros; Tessera reads the stored floats and drops the table's name.
     */
    @Test
    void losslessFloatsWithZquantizAndFpacksTableNameReadAsTheOriginal() throws IOException {
        int w = 50, h = 20;
        float[][] f = new float[h][w];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) f[y][x] = 1000.25f + x * 3.5f - y * 0.125f;
        f[3][7] = Float.NaN;
        Path orig = FitsFixtures.write(tmp.resolve("f.fits"), f, "OBJECT", "flat", "QUANTKEY", "NO_DITHER",
                "NAMEKEY", "COMPRESSED_IMAGE");
        Path fz = CompressedFixtures.fpack(orig, tmp.resolve("f.fits.fz"), Compression.ZCMPTYPE_GZIP_1, null);
        patch(fz, "QUANTKEY= 'NO_DITHER'", "ZQUANTIZ= 'NO_DITHER'");
        patch(fz, "NAMEKEY = 'COMPRESSED_IMAGE'", "EXTNAME = 'COMPRESSED_IMAGE'");
        FitsFrame want = FitsFrame.open(orig), got = FitsFrame.open(fz);
        java.util.Map<String, String> keys = new java.util.LinkedHashMap<>(want.keys());
        keys.remove("QUANTKEY");
        keys.remove("NAMEKEY");
        assertEquals(keys, got.keys());
        float[][] a = new float[1][w * h], b = new float[1][w * h];
        want.readRows(0, h, a);
        got.readRows(0, h, b);
        for (int i = 0; i < w * h; i++) assertEquals(Float.floatToIntBits(a[0][i]), Float.floatToIntBits(b[0][i]), "pixel " + i);
        assertEquals(1000.25f + 7 * 3.5f - 2 * 0.125f, b[0][2 * w + 7]);
    }
}
