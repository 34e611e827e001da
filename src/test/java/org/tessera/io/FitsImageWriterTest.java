package org.tessera.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import nom.tam.fits.BasicHDU;
import nom.tam.fits.Fits;
import nom.tam.fits.Header;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.image.FloatImage;
import org.tessera.io.FitsImageWriter.AlphaMode;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.Projection;
import org.tessera.wcs.Wcs;

class FitsImageWriterTest {

    @TempDir
    Path tmp;

    private static FloatImage randomImage(int w, int h, int c, long seed, double nanFraction) {
        Random r = new Random(seed);
        FloatImage img = new FloatImage(w, h, c);
        for (int ch = 0; ch < c; ch++)
            for (int i = 0; i < w * h; i++) img.plane(ch)[i] = (float) (r.nextGaussian() * 1000);
        for (int i = 0; i < w * h; i++)
            if (r.nextDouble() < nanFraction) img.plane(r.nextInt(c))[i] = Float.NaN;
        return img;
    }

    private static Header keys() throws Exception {
        Header h = new Header();
        Wcs wcs = Wcs.fromHeader(sampleWcsHeader());
        wcs.writeTo(h);
        FitsFixtures.addCards(h, "OBJECT", "M 94", "BAYERPAT", "GRBG", "NAXIS1", 99, "BZERO", 32768.0,
                "HIERARCH.MOUNT_MODE", "ALT_AZ");
        h.insertHistory("made by a test");
        return h;
    }

    private static Header sampleWcsHeader() throws Exception {
        Header h = new Header();
        FitsFixtures.addCards(h, "CTYPE1", "RA---TAN", "CTYPE2", "DEC--TAN", "CRPIX1", 20.5, "CRPIX2", 30.5,
                "CRVAL1", 192.7, "CRVAL2", 41.1, "CD1_1", -6.6e-4, "CD1_2", 0.0, "CD2_1", 0.0, "CD2_2", 6.6e-4);
        return h;
    }

    @Test
    void bandsInRandomOrderFromTwoThreadsReadBackEqual() throws Exception {
        int w = 37, h = 53, c = 3;
        FloatImage img = randomImage(w, h, c, 1, 0.05);
        Path target = tmp.resolve("mosaic.fits");
        FitsImageWriter out = new FitsImageWriter(target, w, h, c, keys(), AlphaMode.FROM_NAN);
        List<int[]> bands = new ArrayList<>();
        for (int y = 0; y < h; y += 5) bands.add(new int[] {y, Math.min(5, h - y)});
        Collections.shuffle(bands, new Random(2));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<?>> done = new ArrayList<>();
        for (int[] b : bands)
            done.add(pool.submit(() -> {
                float[][] band = img.newBand(b[1]);
                img.readRows(b[0], b[1], band);
                out.writeRows(b[0], b[1], band);
                return null;
            }));
        for (Future<?> f : done) f.get();
        pool.shutdown();
        assertFalse(Files.exists(target), "target appears only on close");
        assertTrue(Files.exists(out.tempFile()));
        out.close();
        assertTrue(Files.exists(target));
        assertFalse(Files.exists(out.tempFile()));
        assertEquals(0, Files.size(target) % 2880);

        // our reader: NaN where any channel was NaN (ALPHA 0), the values elsewhere
        FitsFrame f = FitsFrame.open(target);
        assertEquals(3, f.channels());
        assertTrue(f.hasAlpha());
        float[][] back = f.newBand(h);
        f.readRows(0, h, back);
        float[] alpha = new float[w * h];
        f.readAlpha(0, h, alpha);
        int holes = 0;
        for (int i = 0; i < w * h; i++) {
            boolean valid = true;
            for (int ch = 0; ch < c; ch++) valid &= Float.isFinite(img.plane(ch)[i]);
            assertEquals(valid ? 1f : 0f, alpha[i], 0.0);
            if (!valid) holes++;
            for (int ch = 0; ch < c; ch++)
                if (valid) assertEquals(img.plane(ch)[i], back[ch][i], 0.0);
                else assertTrue(Float.isNaN(back[ch][i]));
        }
        assertTrue(holes > 10, "the test image has holes");

        // the header cards were carried over, structural ones skipped, and the WCS is the same
        assertEquals("M 94", f.keys().get("OBJECT"));
        assertEquals(MountMode.ALT_AZ, f.mountMode());
        assertNull(f.keys().get("BAYERPAT"));
        assertNull(f.keys().get("BZERO"));
        assertEquals("37", f.keys().get("NAXIS1"));
        assertEquals(192.7, ((FitsWcs) f.wcs()).crval1(), 1e-12);
        assertTrue(f.header().findCard("HISTORY") != null);

        // nom-tam reads it too: float data with 0 at the holes, ALPHA uint8 extension
        try (Fits fits = new Fits(target.toFile())) {
            BasicHDU<?>[] hdus = fits.read();
            assertEquals(2, hdus.length);
            float[][][] data = (float[][][]) hdus[0].getKernel();
            byte[][] a = (byte[][]) hdus[1].getKernel();
            assertEquals("ALPHA", hdus[1].getHeader().getStringValue("EXTNAME"));
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    int i = y * w + x;
                    assertEquals(alpha[i] == 1 ? (byte) 255 : 0, a[y][x]);
                    for (int ch = 0; ch < c; ch++) {
                        float v = img.plane(ch)[i];
                        assertEquals(Float.isNaN(v) ? 0f : v, data[ch][y][x], 0.0, "NaN stored as 0");
                    }
                }
        }
    }

    /**
     * Bands larger than the writer's 1 MiB chunks (600×500×3): the file's bytes do not depend on
     * the band height; before close, {@code readBack} gives what {@link FitsFrame} reads from the
     * finished file, bit for bit; {@code replaceHeader} replaces the cards in place when they fit
     * the header's blocks and refuses, changing nothing, when they do not.
     */
    @Test
    void largeBandsReadBackBeforeCloseAsTheFinishedFileReads() throws Exception {
        int w = 600, h = 500, c = 3;
        FloatImage img = randomImage(w, h, c, 3, 0.02);
        img.plane(1)[7] = Float.POSITIVE_INFINITY;
        img.plane(0)[8] = -0f;
        Path whole = tmp.resolve("whole.fits"), banded = tmp.resolve("banded.fits");
        FitsImageWriter.write(whole, img, keys(), AlphaMode.FROM_NAN);
        FitsImageWriter out = new FitsImageWriter(banded, w, h, c, keys(), AlphaMode.FROM_NAN);
        for (int y = 0; y < h; y += 173) {
            int n = Math.min(173, h - y);
            float[][] band = img.newBand(n);
            img.readRows(y, n, band);
            out.writeRows(y, n, band);
        }
        float[][] early = img.newBand(h);
        out.readBack().readRows(0, h, early);
        Header more = keys();
        more.addValue("DBE", true, "in place");
        assertTrue(out.replaceHeader(more), "two cards more fit the header's block");
        Header many = keys();
        for (int i = 0; i < 40; i++) many.addValue(String.format("K%02d", i), i, null);
        byte[] before = Files.readAllBytes(out.tempFile());
        assertFalse(out.replaceHeader(many), "40 cards more need another block");
        org.junit.jupiter.api.Assertions.assertArrayEquals(before, Files.readAllBytes(out.tempFile()), "unchanged");
        out.close();
        assertEquals("T", FitsFrame.open(banded).keys().get("DBE"));
        FitsImageWriter again = new FitsImageWriter(tmp.resolve("again.fits"), w, h, c, keys(), AlphaMode.FROM_NAN);
        float[][] band = img.newBand(h);
        img.readRows(0, h, band);
        again.writeRows(0, h, band);
        again.close();
        assertEquals(-1, Files.mismatch(whole, tmp.resolve("again.fits")), "one band or 8 MiB bands: the same bytes");
        float[][] late = img.newBand(h);
        FitsFrame.open(whole).readRows(0, h, late);
        int nan = 0;
        for (int ch = 0; ch < c; ch++)
            for (int i = 0; i < w * h; i++) {
                assertEquals(Float.floatToRawIntBits(late[ch][i]), Float.floatToRawIntBits(early[ch][i]), "channel " + ch + " pixel " + i);
                if (Float.isNaN(early[ch][i])) nan++;
            }
        assertTrue(nan > 3 * 5000, "pixels NaN in one channel are NaN in all three: " + nan);
        assertEquals(0, Float.floatToRawIntBits(early[0][8]), "-0 reads +0, as FitsFrame reads it");
        assertTrue(Float.isNaN(early[0][7]), "an infinite value in one channel: ALPHA 0");
    }

    @Test
    void noAlphaKeepsNaN() throws Exception {
        FloatImage img = randomImage(11, 7, 1, 3, 0.2);
        Path target = tmp.resolve("plain.fits");
        FitsImageWriter.write(target, img, null, AlphaMode.NONE);
        try (Fits fits = new Fits(target.toFile())) {
            BasicHDU<?>[] hdus = fits.read();
            assertEquals(1, hdus.length);
            assertEquals(2, hdus[0].getHeader().getIntValue("NAXIS"));
            float[][] data = (float[][]) hdus[0].getKernel();
            for (int y = 0; y < 7; y++)
                for (int x = 0; x < 11; x++)
                    assertEquals(Float.floatToIntBits(img.get(0, x, y)), Float.floatToIntBits(data[y][x]));
        }
        assertEquals(2880 * 2, Files.size(target));
    }

    @Test
    void explicitAlphaIsStoredAsBytes() throws Exception {
        FloatImage img = randomImage(6, 4, 1, 4, 0);
        FloatImage alpha = new FloatImage(6, 4, 1);
        for (int i = 0; i < 24; i++) alpha.plane(0)[i] = i / 23f;
        alpha.plane(0)[5] = Float.NaN;
        Path target = tmp.resolve("a.fits");
        FitsImageWriter.write(target, img, alpha, null);
        FitsFrame f = FitsFrame.open(target);
        float[] back = new float[24];
        f.readAlpha(0, 4, back);
        for (int i = 0; i < 24; i++) {
            float want = i == 5 ? 0 : Math.round(i / 23f * 255) / 255f;
            assertEquals(want, back[i], 1e-7, "alpha " + i);
        }
        float[][] px = f.newBand(4);
        f.readRows(0, 4, px);
        assertTrue(Float.isNaN(px[0][0]), "alpha 0 reads as NaN");
        assertTrue(Float.isNaN(px[0][5]));
        assertEquals(img.plane(0)[1], px[0][1], 0.0, "alpha 1/23 → byte 11, still valid");
    }

    @Test
    void missingRowsFailNamingTheFileAndLeaveNothing() throws Exception {
        Path target = tmp.resolve("incomplete.fits");
        FitsImageWriter out = new FitsImageWriter(target, 4, 10, 1, null, AlphaMode.NONE);
        out.writeRows(0, 3, new float[][] {new float[12]});
        out.writeRows(5, 5, new float[][] {new float[20]});
        IOException e = assertThrows(IOException.class, out::close);
        assertEquals(target + ": incomplete image, rows not written: 2 of 10 (first missing row 3)", e.getMessage());
        assertFalse(Files.exists(target));
        assertFalse(Files.exists(out.tempFile()));

        FitsImageWriter ex = new FitsImageWriter(target, 4, 2, 1, null, AlphaMode.EXPLICIT);
        ex.writeRows(0, 2, new float[][] {new float[8]});
        e = assertThrows(IOException.class, ex::close);
        assertTrue(e.getMessage().endsWith("ALPHA rows not written: 2 of 2 (first missing row 0)"), e.getMessage());
    }

    @Test
    void aWholeImageWriteThatFailsLeavesTheTargetAsItWas() throws Exception {
        // The final background extraction's rewrite of a finished mosaic goes through write(): a failure once its
        // temporary file exists, an I/O error or out of memory, leaves the mosaic whole and no temporary file.
        Path target = tmp.resolve("kept.fits");
        byte[] before = "the complete mosaic".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (Throwable t : new Throwable[] {new IOException("No space left on device"), new OutOfMemoryError("Java heap space")}) {
            Files.write(target, before);
            boolean[] partExisted = {false};
            org.tessera.image.RowSource failing = new org.tessera.image.RowSource() {
                @Override public int width() { return 5; }
                @Override public int height() { return 40; }
                @Override public int channels() { return 3; }
                @Override public String name() { return "failing"; }
                @Override public void readRows(int y0, int rows, float[][] dst) throws IOException {
                    partExisted[0] = Files.exists(tmp.resolve("kept.fits.part"));
                    if (t instanceof IOException io) throw io;
                    throw (Error) t;
                }
            };
            Throwable e = assertThrows(Throwable.class, () -> FitsImageWriter.write(target, failing, null, AlphaMode.FROM_NAN));
            assertEquals(t, e);
            assertTrue(partExisted[0], "the failure came while the temporary file existed");
            assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(target)), "the target untouched");
            assertFalse(Files.exists(tmp.resolve("kept.fits.part")), t + ": no temporary file left");
        }
    }

    @Test
    void aHeaderThatNeedsMoreBlocksIsGivenByACopyWithTheDataByteForByte() throws Exception {
        int w = 31, h = 17, c = 3;
        FloatImage img = randomImage(w, h, c, 9, 0.1);
        img.plane(1)[5] = -0f;
        Path target = tmp.resolve("m.fits");
        Header full = new Header();
        for (int i = 0; i < 28; i++) full.addValue(String.format("FILL%03d", i), i, "pads the header"); // 7 + 28 + END: one block
        FitsImageWriter.write(target, img, full, AlphaMode.FROM_NAN);
        byte[] before = Files.readAllBytes(target);
        assertEquals("END", new String(before, 35 * 80, 3, java.nio.charset.StandardCharsets.US_ASCII), "a full first block");
        Header more = new Header();
        for (int i = 0; i < 28; i++) more.addValue(String.format("FILL%03d", i), i, "pads the header");
        more.addValue("DBE", false, "final background extraction failed");
        FitsImageWriter.replaceHeaderByCopy(target, w, h, c, more);
        byte[] after = Files.readAllBytes(target);
        assertEquals(before.length + 2880, after.length);
        assertTrue(java.util.Arrays.equals(java.util.Arrays.copyOfRange(before, 2880, before.length),
                java.util.Arrays.copyOfRange(after, 5760, after.length)), "data and ALPHA byte for byte (-0 and NaN as stored)");
        assertTrue(java.util.Arrays.equals(java.util.Arrays.copyOfRange(before, 0, 35 * 80),
                java.util.Arrays.copyOfRange(after, 0, 35 * 80)), "the cards before the new one as they were");
        FitsFrame f = FitsFrame.open(target);
        assertEquals("F", f.keys().get("DBE").trim());
        Path orig = Files.write(tmp.resolve("orig.fits"), before);
        FitsFrame o = FitsFrame.open(orig);
        FloatImage back = new FloatImage(w, h, c), ref = new FloatImage(w, h, c);
        f.readRows(0, h, back.planes());
        o.readRows(0, h, ref.planes());
        FloatImage alpha = new FloatImage(w, h, 1), refAlpha = new FloatImage(w, h, 1);
        f.alpha().readRows(0, h, alpha.planes()); // the ALPHA extension found after the longer header
        o.alpha().readRows(0, h, refAlpha.planes());
        int nan = 0;
        for (int i = 0; i < w * h; i++) {
            for (int ch = 0; ch < c; ch++)
                assertEquals(Float.floatToRawIntBits(ref.plane(ch)[i]), Float.floatToRawIntBits(back.plane(ch)[i]));
            assertEquals(refAlpha.plane(0)[i], alpha.plane(0)[i]);
            if (Float.isNaN(back.plane(0)[i])) nan++;
        }
        assertTrue(nan > 0, "pixels without data among them");
        assertFalse(Files.exists(tmp.resolve("m.fits.part")));
        // A target that is not FITS: an exception naming it, the file untouched, no temporary file.
        Path junk = tmp.resolve("junk.fits");
        Files.write(junk, new byte[100]);
        IOException e = assertThrows(IOException.class, () -> FitsImageWriter.replaceHeaderByCopy(junk, w, h, c, more));
        assertTrue(e.getMessage().contains("junk.fits"), e.getMessage());
        assertEquals(100, Files.size(junk));
        assertFalse(Files.exists(tmp.resolve("junk.fits.part")));
    }

    @Test
    void abortLeavesNothing() throws Exception {
        Path target = tmp.resolve("aborted.fits");
        FitsImageWriter out = new FitsImageWriter(target, 4, 4, 3, null, AlphaMode.FROM_NAN);
        out.writeRows(0, 2, new float[][] {new float[8], new float[8], new float[8]});
        out.abort();
        assertFalse(Files.exists(target));
        assertFalse(Files.exists(out.tempFile()));
        try (var s = Files.list(tmp)) {
            assertEquals(0, s.count());
        }
        assertThrows(IllegalStateException.class, () -> out.writeRows(2, 2, new float[][] {new float[8], new float[8], new float[8]}));
    }

    @Test
    void wholeRgbImageHelperReplacesAnExistingTarget() throws Exception {
        Path target = Files.writeString(tmp.resolve("old.fits"), "previous run");
        FloatImage img = randomImage(9, 5, 3, 5, 0);
        Header h = sampleWcsHeader();
        FitsImageWriter.write(target, img, h, AlphaMode.FROM_NAN);
        FitsFrame f = FitsFrame.open(target);
        assertEquals(9, f.width());
        assertEquals(3, f.channels());
        float[][] back = f.newBand(5);
        f.readRows(0, 5, back);
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < 45; i++) assertEquals(img.plane(c)[i], back[c][i], 0.0);
        assertTrue(f.hasWcs());
        assertEquals(Projection.forCode("TAN"), ((FitsWcs) f.wcs()).projection());
    }

    /** A header of the 7 structural cards (NAXIS3 included) and {@code n} filler cards. */
    private static Header fillers(int n) throws Exception {
        Header h = new Header();
        for (int i = 0; i < n; i++) h.addValue(String.format("FILL%03d", i), i, "pads the header");
        return h;
    }

    /**
     * Spare cards: a header that fills its block (7 structural + 28 fillers + END = 36 cards) is
     * written with blank cards before END and a second block, so that the same keys and two cards
     * more replace it in place, and the finished file is, byte for byte, the one written with those
     * keys from the start; a header that ends up a block shorter does not fit (the data may not
     * move); no spare cards: the header of the keys alone.
     */
    @Test
    void spareCardsKeepRoomSoThatALongerHeaderIsReplacedInPlace(@TempDir Path dir) throws Exception {
        int w = 30, h = 20, c = 3;
        FloatImage img = randomImage(w, h, c, 12, 0.05);
        Header longer = fillers(30);
        Path ref = dir.resolve("ref.fits");
        FitsImageWriter.write(ref, img, longer, AlphaMode.FROM_NAN);
        assertEquals(2 * 2880, FitsHeaderLength.of(ref));

        Path f = dir.resolve("spare.fits");
        FitsImageWriter out = new FitsImageWriter(f, w, h, c, fillers(28), AlphaMode.FROM_NAN, 2);
        byte[] part = Files.readAllBytes(out.tempFile());
        String head = new String(part, 0, 2 * 2880, java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals(" ".repeat(160), head.substring(35 * 80, 37 * 80), "two blank cards after the keys");
        assertTrue(head.startsWith("END     ", 37 * 80), "then END, in the second block");
        assertEquals(" ".repeat(2 * 2880 - 38 * 80), head.substring(38 * 80), "space padding to the block's end");
        out.writeRows(0, h, img.planes());
        assertFalse(out.replaceHeader(fillers(65)), "73 cards need a third block");
        assertFalse(out.replaceHeader(fillers(28)), "the keys alone take one block: the data would move");
        assertTrue(out.replaceHeader(longer), "two cards more fit the room kept");
        out.close();
        assertEquals(-1, Files.mismatch(ref, f), "the file written with the longer header from the start");
        BasicHDU<?>[] hdus = new Fits(f.toFile()).read();
        assertEquals(29, hdus[0].getHeader().getIntValue("FILL029"));
        assertEquals("ALPHA", hdus[1].getHeader().getStringValue("EXTNAME"));

        // Room in the first block already: two blank cards there, and the keys alone still fit.
        Path g = dir.resolve("small.fits");
        FitsImageWriter small = new FitsImageWriter(g, w, h, c, fillers(3), AlphaMode.FROM_NAN, 2);
        small.writeRows(0, h, img.planes());
        assertTrue(small.replaceHeader(fillers(3)));
        small.close();
        Path gRef = dir.resolve("smallref.fits");
        FitsImageWriter.write(gRef, img, fillers(3), AlphaMode.FROM_NAN);
        assertEquals(-1, Files.mismatch(gRef, g));

        // No spare cards: the header of the keys alone, as the six-argument constructor writes it.
        Path z = dir.resolve("zero.fits");
        FitsImageWriter none = new FitsImageWriter(z, w, h, c, fillers(28), AlphaMode.FROM_NAN, 0);
        none.writeRows(0, h, img.planes());
        none.close();
        Path zRef = dir.resolve("zeroref.fits");
        FitsImageWriter.write(zRef, img, fillers(28), AlphaMode.FROM_NAN);
        assertEquals(2880, FitsHeaderLength.of(z));
        assertEquals(-1, Files.mismatch(zRef, z));
        assertThrows(IllegalArgumentException.class, () -> new FitsImageWriter(dir.resolve("x.fits"), w, h, c, null,
                AlphaMode.NONE, -1));
    }
}
