package org.tessera.reproject;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import nom.tam.fits.Header;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.image.BandFeed;
import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.image.FloatImage;
import org.tessera.io.FitsImageWriter;
import org.tessera.math.Percentiles;

/**
 * The final background extraction done on the coadd's way to the file ({@link CoaddBackground}:
 * cell medians from the bands as written, the model removed in place before the rename) gives the
 * bytes of the former formulation ({@link FinalBackground#applyToFile}: the finished file read back
 * for the medians, then read again and written to a second file), whatever the band sizes, their
 * order and the threads; and that former result is frozen here by its SHA-256 as the main branch
 * computed it before this change.
 */
class CoaddBackgroundTest {

    static final int W = FinalBackgroundTest.W, H = FinalBackgroundTest.H;

    /**
     * FinalBackgroundTest's RGB mosaic with its gradient, plus what the old and the new path must
     * read alike: pixels NaN in one channel only (a FROM_NAN file reads them NaN in all three),
     * an infinite one, and a cell of signed zeros.
     */
    static FloatImage input() {
        FloatImage m = FinalBackgroundTest.mosaics()[1];
        Random r = new Random(5);
        for (int k = 0; k < 400; k++) m.plane(k % 3)[r.nextInt(W * H)] = Float.NaN;
        m.plane(1)[300 * W + 500] = Float.POSITIVE_INFINITY;
        // Cells of signed zeros whose sorted median is -0.0 (2/3 negative) or +0.0 (1/3; half and half; the first rows).
        for (int y = 240; y < 264; y++)
            for (int x = 0; x < 24; x++) {
                m.plane(2)[y * W + 48 + x] = (x + y) % 3 == 0 ? 0f : -0f;
                m.plane(2)[y * W + 96 + x] = (x + y) % 3 == 0 ? -0f : 0f;
                m.plane(2)[y * W + 144 + x] = x % 2 == 0 ? -0f : 0f;
                m.plane(2)[y * W + 192 + x] = y < 248 ? -0f : 0f;
                // -0.0 but for +0 where a selection's first pivot looks (first, middle, last value)
                boolean pivot = x == 0 && y == 240 || x == 23 && (y == 251 || y == 263);
                m.plane(2)[y * W + 240 + x] = pivot ? 0f : -0f;
            }
        return m;
    }

    /** SHA-256 of the file {@link FinalBackground#applyToFile} made from {@link #input()} on main at 9d7c03a (before this change). */
    static final String FROZEN_SHA256 = "fe4230b6c2810e95f17e33c8d71e4c8f8e69c1e4f378a1e218dac69e451f3250";

    static String sha256(Path f) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }

    static Header header(int filler) throws Exception {
        Header h = new Header();
        h.addValue("CONTENT", "mosaic", null);
        for (int i = 0; i < filler; i++) h.addValue(String.format("FILL%03d", i), i, "pads the header");
        return h;
    }

    /** The former formulation: the finished file, then both passes on it. */
    static Path old(Path dir, FloatImage img, int filler) throws Exception {
        Path f = dir.resolve("old.fits");
        FitsImageWriter.write(f, img, header(filler), FitsImageWriter.AlphaMode.FROM_NAN);
        FinalBackground.applyToFile(f, header(filler), FinalBackground.Params.fromConfig(new Config()));
        return f;
    }

    /** The new path: bands of {@code rows} (in the given order of bands) from {@code threads} threads through the sink, applied in place. */
    static Path streamed(Path dir, FloatImage img, int filler, int rows, boolean reversed, int threads, int applyThreads)
            throws Exception {
        Path f = dir.resolve("new-" + rows + "-" + reversed + "-" + threads + ".fits");
        FinalBackground.Params p = FinalBackground.Params.fromConfig(new Config());
        FitsImageWriter w = new FitsImageWriter(f, W, H, 3, header(filler), FitsImageWriter.AlphaMode.FROM_NAN);
        CoaddBackground bg = new CoaddBackground(p, w, W, H, 3);
        BandFeed.feed(img, rows, BandFeed.starts(H, rows, reversed ? "reversed" : "forward"), threads, bg.sink()::writeRows);
        bg.beforeClose(header(filler), applyThreads);
        w.close();
        bg.afterClose(header(filler));
        return f;
    }

    @Test
    void formerFormulationIsFrozen(@TempDir Path dir) throws Exception {
        assertEquals(FROZEN_SHA256, sha256(old(dir, input(), 0)));
    }

    @Test
    void onTheWayToTheFileGivesTheSameBytesForAnyBandsOrderAndThreads(@TempDir Path dir) throws Exception {
        FloatImage img = input();
        Path ref = old(dir, img, 0);
        assertEquals(FROZEN_SHA256, sha256(ref));
        // 24-row bands match the cells; the others cut cell rows (7, 64: partial rows kept until their rest arrives).
        for (int[] c : new int[][] {{24, 0, 1, 1}, {7, 1, 3, 2}, {64, 0, 2, 4}, {H, 0, 1, 3}, {1, 1, 2, 1}}) {
            Path f = streamed(dir, img, 0, c[0], c[1] == 1, c[2], c[3]);
            assertEquals(-1, Files.mismatch(ref, f), "bands of " + c[0] + " rows, reversed " + c[1] + ", " + c[2] + " threads");
        }
        try (var s = Files.list(dir)) {
            assertFalse(s.anyMatch(p -> p.toString().endsWith(".part")), "no temporary file left");
        }
    }

    @Test
    void aHeaderThatNeedsAnotherBlockForTheDbeCardsIsRewrittenAsBefore(@TempDir Path dir) throws Exception {
        // 7 structural cards + CONTENT + 27 fillers + END = 36 cards: one block; DBE and DBECELL need a second.
        FloatImage img = input();
        Path ref = old(dir, img, 27);
        Path f = streamed(dir, img, 27, 64, false, 2, 2);
        assertEquals(2 * 2880, org.tessera.io.FitsHeaderLength.of(f), "the DBE header took a second block");
        assertEquals(-1, Files.mismatch(ref, f));
        Path g = streamed(dir, img, 26, 64, false, 2, 2); // 35 cards + 2 > 36: a second block too
        assertEquals(2 * 2880, org.tessera.io.FitsHeaderLength.of(g));
        assertEquals(-1, Files.mismatch(old(Files.createDirectories(dir.resolve("b")), img, 26), g));
        // 24 fillers: 33 cards + 2 fit in the first block, so the header is replaced in place.
        Path fits = streamed(Files.createDirectories(dir.resolve("c")), img, 24, 64, false, 2, 2);
        assertEquals(2880, org.tessera.io.FitsHeaderLength.of(fits));
        assertEquals(-1, Files.mismatch(old(Files.createDirectories(dir.resolve("d")), img, 24), fits));
    }

    /** The streamed path through the writer a coadd makes ({@link CoaddFiles#mosaicWriter}: room for the DBE cards). */
    static CoaddBackground streamedWithRoom(Path f, FloatImage img, int filler, int rows, int threads) throws Exception {
        Config cfg = new Config();
        FitsImageWriter w = CoaddFiles.mosaicWriter(cfg, f, W, H, 3, header(filler));
        CoaddBackground bg = new CoaddBackground(FinalBackground.Params.fromConfig(cfg), w, W, H, 3);
        BandFeed.feed(img, rows, BandFeed.starts(H, rows, "forward"), threads, bg.sink()::writeRows);
        bg.beforeClose(header(filler), threads);
        w.close();
        bg.afterClose(header(filler));
        return bg;
    }

    @Test
    void withTheRoomItsWriterKeepsAHeaderThatFillsItsBlockIsCorrectedInPlaceToTheSameBytes(@TempDir Path dir)
            throws Exception {
        // 26 and 27 fillers: the coadd's header and the DBE cards take two blocks, which the former path got by a
        // second file; 24, 25: one block; 0: the frozen file.
        FloatImage img = input();
        for (int filler : new int[] {27, 26, 25, 24, 0}) {
            Path d = Files.createDirectories(dir.resolve("f" + filler));
            Path ref = old(d, img, filler);
            Path f = d.resolve("room.fits");
            CoaddBackground bg = streamedWithRoom(f, img, filler, 64, 2);
            assertTrue(bg.appliedInPlace(), filler + " fillers: corrected in place");
            assertEquals(filler >= 26 ? 2 * 2880 : 2880, org.tessera.io.FitsHeaderLength.of(f), filler + " fillers");
            assertEquals(-1, Files.mismatch(ref, f), filler + " fillers: the former path's bytes");
            if (filler == 0) assertEquals(FROZEN_SHA256, sha256(f));
            DbeFailureTest.verified(f);
        }
        // A writer without that room (DBE off when it was made) still takes the former path, to the same bytes.
        Path ref = old(Files.createDirectories(dir.resolve("plain")), img, 27);
        Path f = dir.resolve("plain").resolve("plain.fits");
        FinalBackground.Params p = FinalBackground.Params.fromConfig(new Config());
        FitsImageWriter w = new FitsImageWriter(f, W, H, 3, header(27), FitsImageWriter.AlphaMode.FROM_NAN);
        CoaddBackground bg = new CoaddBackground(p, w, W, H, 3);
        BandFeed.feed(img, 64, BandFeed.starts(H, 64, "forward"), 2, bg.sink()::writeRows);
        bg.beforeClose(header(27), 2);
        w.close();
        bg.afterClose(header(27));
        assertFalse(bg.appliedInPlace());
        assertTrue(bg.applied(), "by the rewrite");
        assertEquals(-1, Files.mismatch(ref, f));
    }

    @Test
    void theWriterKeepsRoomOnlyWhenTheExtractionRuns(@TempDir Path dir) throws Exception {
        // DBE off: the header of the keys alone (one block for 27 fillers); on: the two blocks the DBE cards will need.
        FitsImageWriter off = CoaddFiles.mosaicWriter(new Config().put("final_mosaic_dbe_enabled", false), dir.resolve("off.fits"),
                W, H, 3, header(27));
        FitsImageWriter on = CoaddFiles.mosaicWriter(new Config(), dir.resolve("on.fits"), W, H, 3, header(27));
        try {
            assertTrue(off.replaceHeader(header(27)));
            assertFalse(off.replaceHeader(FinalBackground.withCards(header(27), FinalBackground.Params.fromConfig(new Config()))));
            assertTrue(on.replaceHeader(FinalBackground.withCards(header(27), FinalBackground.Params.fromConfig(new Config()))));
            assertFalse(on.replaceHeader(header(27)), "the coadd's header alone is a block shorter");
        } finally {
            off.abort();
            on.abort();
        }
    }

    @Test
    void theDbeCardsAreOneCardEachWhateverTheirValues() throws Exception {
        int n = header(0).getNumberOfCards();
        Header ok = FinalBackground.withCards(header(0), new FinalBackground.Params(true, Integer.MAX_VALUE, 3, 3));
        Header failed = FinalBackground.withFailureCards(header(0), "x".repeat(500) + " \u00e9\n");
        for (Header h : new Header[] {ok, failed}) {
            assertEquals(n + CoaddBackground.HEADER_CARDS, h.getNumberOfCards());
            var it = h.iterator();
            for (int i = 0; it.hasNext(); i++) {
                String card = it.next().toString();
                if (i >= n) assertEquals(80, card.length(), card);
            }
        }
    }

    @Test
    void theCoaddsFilesWithTheExtractionEqualTheFormerTwoPasses(@TempDir Path dir) throws Exception {
        // The integration: CoaddFiles.write with DBE on against DBE off followed by applyToFile on its file.
        CoaddFiles.Names names = new CoaddFiles.Names("m.fits", "c.fits", "p.png");
        Path on = Files.createDirectories(dir.resolve("on")), off = Files.createDirectories(dir.resolve("off"));
        CoaddParams p = CoaddParams.plain(Kernel.BILINEAR).withRowsPerBand(37).withWorkers(3);
        Config cfg = new Config().put("preview_png_enabled", false);
        CoaddFiles.Written a = CoaddFiles.write(ReprojectCoaddTest.rgbTiles(), ReprojectCoaddTest.GRID, p, on, names,
                "mosaic", cfg, Progress.NONE, Progress.NONE);
        CoaddFiles.Written b = CoaddFiles.write(ReprojectCoaddTest.rgbTiles(), ReprojectCoaddTest.GRID, p, off, names,
                "mosaic", new Config().put("preview_png_enabled", false).put("final_mosaic_dbe_enabled", false),
                Progress.NONE, Progress.NONE);
        assertFalse(Arrays.equals(Files.readAllBytes(a.mosaic()), Files.readAllBytes(b.mosaic())), "DBE changed the mosaic");
        FinalBackground.Model m = FinalBackground.applyToFile(b.mosaic(),
                CoaddFiles.header(a.result().grid(), 3, "mosaic"), FinalBackground.Params.fromConfig(cfg));
        assertFalse(m.empty());
        assertEquals(-1, Files.mismatch(a.mosaic(), b.mosaic()));
        assertEquals(-1, Files.mismatch(a.coverage(), b.coverage()));
    }

    /** The former pass 1, as it was: each cell's finite values widened to double and Percentiles.median. */
    static double[][] formerMedians(FloatImage img, int s) {
        int w = img.width(), h = img.height(), nc = img.channels(), cw = (w + s - 1) / s, ch = (h + s - 1) / s;
        double[][] med = new double[nc][cw * ch];
        for (double[] m : med) Arrays.fill(m, Double.NaN);
        double[] vals = new double[s * s];
        for (int cy = 0; cy < ch; cy++) {
            int y0 = cy * s, rows = Math.min(s, h - y0);
            for (int cx = 0; cx < cw; cx++) {
                int x0 = cx * s, cols = Math.min(s, w - x0);
                for (int c = 0; c < nc; c++) {
                    int n = 0;
                    for (int y = y0; y < y0 + rows; y++)
                        for (int x = x0; x < x0 + cols; x++) {
                            float v = img.plane(c)[y * w + x];
                            if (Float.isFinite(v)) vals[n++] = v;
                        }
                    if (n >= 0.5 * rows * cols && n > 0) med[c][cy * cw + cx] = Percentiles.median(Arrays.copyOf(vals, n));
                }
            }
        }
        return med;
    }

    @Test
    void cellMediansAreTheFormerOnesBitForBitSignedZerosIncluded() {
        FloatImage img = input();
        // Per-channel validity (a file without ALPHA): the former pass 1 exactly.
        CellMedians cells = new CellMedians(W, H, 3, 24, false);
        for (int y0 = H - 50; y0 > -50; y0 -= 50) {
            int a = Math.max(0, y0), n = y0 + 50 - a;
            float[][] band = new float[3][];
            for (int c = 0; c < 3; c++) band[c] = Arrays.copyOfRange(img.plane(c), a * W, (a + n) * W);
            cells.writeRows(a, n, band);
        }
        double[][] former = formerMedians(img, 24), now = cells.medians();
        int zeros = 0, negZeros = 0;
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < former[c].length; i++) {
                assertEquals(Double.doubleToRawLongBits(former[c][i]), Double.doubleToRawLongBits(now[c][i]),
                        "channel " + c + " cell " + i + ": " + former[c][i] + " vs " + now[c][i]);
                if (former[c][i] == 0) zeros++;
                if (Double.doubleToRawLongBits(former[c][i]) == Double.doubleToRawLongBits(-0.0)) negZeros++;
            }
        assertEquals(5, zeros, "the cells of signed zeros");
        assertTrue(negZeros >= 2 && negZeros < 5, "medians of both signs: " + negZeros + " negative");
    }

    @Test
    void fromTheCoaddsBandsTheCellMediansAreThoseOfTheFileReadBack(@TempDir Path dir) throws Exception {
        // The former pass 1 read the finished FROM_NAN file: a pixel NaN in one channel is NaN in all
        // three there, and -0 reads +0. The coadd's bands still hold them as they were.
        FloatImage img = input();
        Path f = dir.resolve("m.fits");
        FitsImageWriter.write(f, img, new Header(), FitsImageWriter.AlphaMode.FROM_NAN);
        org.tessera.io.FitsFrame back = org.tessera.io.FitsFrame.open(f);
        FloatImage file = new FloatImage(W, H, 3);
        back.readRows(0, H, file.planes());
        CellMedians j = new CellMedians(W, H, 3, 24, true);
        j.writeRows(0, H, img.planes());
        double[][] former = formerMedians(file, 24), now = j.medians();
        int zeros = 0;
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < former[c].length; i++) {
                assertEquals(Double.doubleToRawLongBits(former[c][i]), Double.doubleToRawLongBits(now[c][i]),
                        "channel " + c + " cell " + i + ": " + former[c][i] + " vs " + now[c][i]);
                if (Double.doubleToRawLongBits(now[c][i]) == 0) zeros++;
            }
        assertEquals(5, zeros, "the cells of signed zeros: +0.0 as read from the file");
        // and they differ from the per-channel medians of the bands where a pixel is NaN in one channel only
        double[][] perChannel = formerMedians(img, 24);
        int differ = 0;
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < now[c].length; i++) if (Double.compare(now[c][i], perChannel[c][i]) != 0) differ++;
        assertTrue(differ > 100, "cells that the joint rule changes: " + differ);
    }

    @Test
    void samplesOfAMosaicNotWhollyWrittenAreRefused() {
        CellMedians cells = new CellMedians(100, 100, 1, 24, false);
        cells.writeRows(0, 50, new float[][] {new float[50 * 100]});
        cells.writeRows(60, 40, new float[][] {new float[40 * 100]});
        IllegalStateException e = assertThrows(IllegalStateException.class, cells::medians);
        assertTrue(e.getMessage().contains("cell row 2"), e.getMessage());
        cells.writeRows(50, 10, new float[][] {new float[10 * 100]});
        assertEquals(0.0, cells.medians()[0][0]);
        assertArrayEquals(new double[] {0, 0, 0, 0, 0}, Arrays.copyOf(cells.medians()[0], 5));
    }
}
