package org.tessera.reproject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.image.BandFeed;
import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.image.FloatImage;
import org.tessera.image.RowSink;
import org.tessera.io.FitsFrame;
import org.tessera.io.FitsImageWriter;
import org.tessera.io.PreviewPng;

/**
 * The preview taken on the mosaic's way to its file ({@link CoaddPreview}) is the PNG that reading
 * the finished mosaic and coverage back gives ({@link CoaddFiles#preview}), byte for byte: with the
 * background extraction off, on (corrected in place), rewritten (its header needed another block;
 * the preview taken from the rewrite's bands) and finding no model (the mosaic read back); whatever
 * the band heights and threads.
 */
class CoaddPreviewTest {

    static final int W = CoaddBackgroundTest.W, H = CoaddBackgroundTest.H;

    /** The preview of the files as they are, read back. */
    static Path readBack(Path mosaic, Path coverage, Path png, Config cfg) throws Exception {
        PreviewPng.write(FitsFrame.open(mosaic), FitsFrame.open(coverage), png, cfg.getDouble("preview_png_p_low"),
                cfg.getDouble("preview_png_p_high"), cfg.getDouble("preview_png_asinh_a"), cfg.getInt("preview_png_max_dim"));
        return png;
    }

    @Test
    void theCoaddsPreviewIsTheReadBackOneWithAndWithoutTheExtraction(@TempDir Path dir) throws Exception {
        CoaddFiles.Names names = new CoaddFiles.Names("m.fits", "c.fits", "p.png");
        byte[] dbeOn = null, dbeOff = null;
        for (boolean dbe : new boolean[] {true, false})
            for (int[] c : new int[][] {{37, 3, 90}, {380, 1, 90}, {5, 2, 90}, {64, 4, 3200}}) {
                // max_dim 90: blocks of 5 (bands of 37 and 64 cut them); 3200: blocks of 1.
                Config cfg = new Config().put("final_mosaic_dbe_enabled", dbe).put("preview_png_max_dim", c[2]);
                Path d = Files.createDirectories(dir.resolve(dbe + "_" + c[0] + "_" + c[1] + "_" + c[2]));
                CoaddParams p = CoaddParams.plain(Kernel.BILINEAR).withRowsPerBand(c[0]).withWorkers(c[1]);
                CoaddFiles.Written w = CoaddFiles.write(ReprojectCoaddTest.rgbTiles(), ReprojectCoaddTest.GRID, p, d, names,
                        "mosaic", cfg, Progress.NONE, Progress.NONE);
                assertEquals(dbe, FitsFrame.open(w.mosaic()).keys().containsKey("DBE"), "DBE applied in place: " + dbe);
                Path ref = readBack(w.mosaic(), w.coverage(), d.resolve("ref.png"), cfg);
                String what = "DBE " + dbe + ", bands of " + c[0] + ", " + c[1] + " workers, max " + c[2];
                assertEquals(-1, Files.mismatch(ref, w.preview()), what);
                if (c[2] == 90 && dbe) dbeOn = Files.readAllBytes(w.preview());
                if (c[2] == 90 && !dbe) dbeOff = Files.readAllBytes(w.preview());
            }
        assertFalse(Arrays.equals(dbeOn, dbeOff), "the preview shows the corrected mosaic, not the coadd's bands");
    }

    @Test
    void aPreviewThatIsOffWritesNothing(@TempDir Path dir) throws Exception {
        CoaddFiles.Written w = CoaddFiles.write(ReprojectCoaddTest.rgbTiles(), ReprojectCoaddTest.GRID,
                CoaddParams.plain(Kernel.BILINEAR).withWorkers(2), dir, new CoaddFiles.Names("m.fits", "c.fits", "p.png"),
                "mosaic", new Config().put("preview_png_enabled", false), Progress.NONE, Progress.NONE);
        assertNull(w.preview());
        assertFalse(Files.exists(dir.resolve("p.png")));
    }

    /**
     * The extraction on a mosaic given as bands (as {@link CoaddBackgroundTest#streamed}), with the
     * preview; returns {mosaic, coverage, streamed png, read-back png}. {@code hide}: the files are
     * moved away while the streamed preview is written (it must not read them).
     */
    static Path[] run(Path dir, FloatImage img, int filler, int rows, int threads, Config cfg, boolean hide) throws Exception {
        return run(dir, img, filler, rows, threads, cfg, hide, CoaddBackground.STEPS);
    }

    /** {@link #run(Path, FloatImage, int, int, int, Config, boolean)} with the extraction's steps given. */
    static Path[] run(Path dir, FloatImage img, int filler, int rows, int threads, Config cfg, boolean hide,
                      CoaddBackground.Steps steps) throws Exception {
        return run(dir, img, filler, rows, threads, cfg, hide, steps, 0);
    }

    /** As above, the mosaic's writer keeping room for {@code spareCards} more header cards (a coadd's: {@link CoaddBackground#HEADER_CARDS}). */
    static Path[] run(Path dir, FloatImage img, int filler, int rows, int threads, Config cfg, boolean hide,
                      CoaddBackground.Steps steps, int spareCards) throws Exception {
        Path m = dir.resolve("m.fits"), c = dir.resolve("c.fits");
        FitsImageWriter mw = new FitsImageWriter(m, W, H, 3, CoaddBackgroundTest.header(filler), FitsImageWriter.AlphaMode.FROM_NAN,
                spareCards);
        FitsImageWriter cw = new FitsImageWriter(c, W, H, 1, CoaddBackgroundTest.header(0), FitsImageWriter.AlphaMode.NONE);
        CoaddBackground bg = new CoaddBackground(FinalBackground.Params.fromConfig(cfg), mw, W, H, 3, steps);
        CoaddPreview pv = new CoaddPreview(cfg, W, H, 3, true);
        RowSink ms = pv.mosaic(bg.sink()), cs = pv.coverage(cw);
        BandFeed.feed(img, rows, BandFeed.starts(H, rows, "reversed"), threads, (y0, n, band) -> {
            ms.writeRows(y0, n, band);
            float[] cov = new float[n * W];
            for (int i = 0; i < n * W; i++) cov[i] = Float.isNaN(band[1][i]) ? 0f : 1f + ((y0 * W + i) % 7);
            cs.writeRows(y0, n, new float[][] {cov});
        });
        bg.beforeClose(CoaddBackgroundTest.header(filler), threads, pv.corrected());
        mw.close();
        cw.close();
        bg.afterClose(CoaddBackgroundTest.header(filler));
        // Where the preview is taken from the bands, it reads neither file: hide them meanwhile.
        Path mh = dir.resolve("m.hidden"), ch = dir.resolve("c.hidden");
        if (hide) {
            Files.move(m, mh);
            Files.move(c, ch);
        }
        Path png = pv.write(bg, m, c, dir.resolve("p.png"), Progress.NONE);
        if (hide) {
            Files.move(mh, m);
            Files.move(ch, c);
        }
        return new Path[] {m, c, png, readBack(m, c, dir.resolve("ref.png"), cfg)};
    }

    @Test
    void inPlaceRewrittenAndModelLessExtractionsGiveTheReadBackPreview(@TempDir Path dir) throws Exception {
        Config cfg = new Config().put("preview_png_max_dim", 100); // blocks of 8; bands of 64 and 45 cut some
        FloatImage img = CoaddBackgroundTest.input();
        // In place (a header with room for the DBE cards).
        Path[] a = run(Files.createDirectories(dir.resolve("a")), img, 0, 45, 3, cfg, true);
        assertTrue(FitsFrame.open(a[0]).keys().containsKey("DBE"));
        assertEquals(-1, Files.mismatch(a[3], a[2]), "in place");
        // Rewritten (27 filler cards: the DBE cards need a second header block): the rewrite's bands, the files hidden.
        Path[] b = run(Files.createDirectories(dir.resolve("b")), img, 27, 64, 2, cfg, true);
        assertEquals(2 * 2880, org.tessera.io.FitsHeaderLength.of(b[0]));
        assertEquals(-1, Files.mismatch(b[3], b[2]), "rewritten");
        // No model: two pixels of three NaN, no cell is half valid; the file holds the coadd's bands.
        FloatImage sparse = CoaddBackgroundTest.input();
        for (int ch = 0; ch < 3; ch++) for (int i = 0; i < W * H; i++) if (i % 3 != 0) sparse.plane(ch)[i] = Float.NaN;
        Path[] c = run(Files.createDirectories(dir.resolve("c")), sparse, 0, 45, 2, cfg, false);
        assertFalse(FitsFrame.open(c[0]).keys().containsKey("DBE"), "no model: left as coadded");
        assertEquals(-1, Files.mismatch(c[3], c[2]), "no model");
        assertNotEquals(-1, Files.mismatch(a[2], c[2]));
    }
}
