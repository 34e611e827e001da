package org.tessera.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Logged;
import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.image.FloatImage;
import org.tessera.io.FitsFrame;
import org.tessera.io.MountMode;
import org.tessera.synth.SkyModel;
import org.tessera.synth.SyntheticSky;
import org.tessera.synth.TruthStars;
import org.tessera.wcs.WcsGrid;

class GridModeTest {

    @TempDir Path dir;

    private static FloatImage read(Path fits) throws IOException {
        return FloatImage.copyOf(FitsFrame.open(fits));
    }

    /** Messages of org.tessera.grid while {@code r} runs. */
    private static List<String> logged(Logged.IORunnable r) throws IOException {
        return Logged.during("org.tessera.grid", r);
    }

    /** Grid tiles resample their frames with stacking_resample_kernel, as master tiles do (default bilinear). */
    @Test
    void gridTilesTakeTheResampleKernelKey() {
        assertEquals(org.tessera.reproject.Kernel.BILINEAR, GridMode.resampleKernel(new Config()));
        assertEquals(org.tessera.reproject.Kernel.LANCZOS3, GridMode.resampleKernel(new Config().set("stacking_resample_kernel=lanczos")));
    }

    @Test
    void mosaicPutsStarsAtTheirPositionsWithTheirFlux() throws IOException {
        // Dithered and rotated panels: every frame is really resampled. FWHM 4 px: at 3 px the bilinear
        // resampling of frames (ReprojectedSource, as in Phase 3) already adds ~1.1 % to a 7 px aperture.
        SyntheticSky sky = GridFixtures.sky().gradient(0).dither(2.5).panelRotationJitter(2.0).psfFwhm(4.0);
        List<Path> files = sky.writeFits(dir.resolve("frames"));
        Path csv = GridFixtures.plan(dir, files, sky.exposureSeconds(), null);
        List<double[]> progress = new ArrayList<>();
        List<String> log = new ArrayList<>();
        GridMode.Outcome[] o = new GridMode.Outcome[1];
        // A flat noiseless sky: the stack's linear_fit and Phase 5's overlap fit (B ≈ s·A + o on the
        // sky percentiles) are degenerate on it, so they are off here; this test checks geometry and
        // flux of the Grid path. The defaults run in the other tests.
        Config config = GridFixtures.config(2);
        config.put("stacking_normalize_method", "none");
        config.put("intertile_photometric_match", false);
        config.put("match_background_for_final", false);
        config.put("stacking_rejection_algorithm", "none");
        log.addAll(logged(() -> o[0] = GridMode.run(csv, dir.resolve("out"), config,
                (f, m) -> { synchronized (progress) { progress.add(new double[] {f}); } })));
        GridMode.Outcome out = o[0];
        assertEquals(1, out.parts().size());
        GridMode.Part part = out.parts().get(0);
        assertTrue(part.failed().isEmpty(), "failures: " + part.failed());
        assertTrue(part.tiles().size() >= 3, "tiles: " + part.tiles().size());
        for (Path t : part.tiles()) {
            assertTrue(t.getFileName().toString().matches("tile_\\d{4}\\.fits"), t.toString());
            assertTrue(FitsFrame.open(t).hasAlpha(), t + " has ALPHA");
        }
        assertEquals(dir.resolve("out/mosaic_grid.fits"), out.mosaic());
        assertTrue(Files.isRegularFile(part.coverage()) && Files.isRegularFile(part.preview()));
        assertTrue(log.stream().anyMatch(s -> s.startsWith("[GRID] workers=2")), "workers logged");
        assertTrue(log.stream().anyMatch(s -> s.startsWith("[GRID] GPU=OFF")), "GPU logged");
        assertEquals(part.tiles().size(), log.stream().filter(s -> s.matches("\\[GRID\\] tile \\d+ processed .*")).count());
        assertEquals(1.0, progress.get(progress.size() - 1)[0], 1e-12);

        // The observation cards of its 16 frames, each counted once though the tiles overlap.
        java.util.Map<String, String> k = FitsFrame.open(out.mosaic()).keys();
        List<String> starts = new ArrayList<>();
        for (Path f : files) starts.add(FitsFrame.open(f).keys().get("DATE-OBS").trim());
        starts.sort(null);
        assertEquals(16, files.size());
        assertEquals(160.0, Double.parseDouble(k.get("EXPTOTAL")), 1e-9, "16 frames of 10 s");
        assertEquals(16, Long.parseLong(k.get("NEXP_SUM").trim()));
        assertEquals(starts.get(0), k.get("DATE-OBS"));
        assertEquals(java.time.LocalDateTime.parse(starts.get(15)).plusSeconds(10),
                java.time.LocalDateTime.parse(k.get("DATE-END")), "the last start plus its 10 s");
        assertEquals("Tessera synthetic", k.get("INSTRUME"));

        // Stars: bright, isolated, well inside the mosaic; centroid and aperture flux against the truth.
        FitsFrame mf = FitsFrame.open(out.mosaic());
        WcsGrid grid = new WcsGrid(mf.wcs(), mf.width(), mf.height());
        FloatImage mosaic = read(out.mosaic());
        FloatImage truth = sky.renderTruth(grid);
        List<SkyModel.Star> stars = sky.truthStars();
        int measured = 0;
        double worstPos = 0, worstFlux = 0;
        double[] p = new double[2];
        for (SkyModel.Star s : stars) {
            if (s.flux(1) < 5000) continue;
            grid.wcs().worldToPixel(s.ra(), s.dec(), p);
            if (!(p[0] > 16 && p[1] > 16 && p[0] < grid.width() - 17 && p[1] < grid.height() - 17)) continue;
            if (!TruthStars.isolated(grid.wcs(), s, p, stars, 0.002, 16)) continue;
            double[] m = Aperture.measure(mosaic, 1, p[0], p[1]);
            if (m == null) continue; // NaN in the window: at the mosaic's edge
            double[] t = Aperture.measure(truth, 1, p[0], p[1]);
            worstPos = Math.max(worstPos, Math.hypot(m[0] - p[0], m[1] - p[1]));
            worstFlux = Math.max(worstFlux, Math.abs(m[2] / t[2] - 1));
            measured++;
        }
        assertTrue(measured >= 5, "stars measured: " + measured);
        assertTrue(worstPos < 0.1, "worst star offset " + worstPos + " px");
        assertTrue(worstFlux < 0.01, "worst flux error " + worstFlux);
    }

    /**
     * A direct run (tests, API callers, scripts) shares its bar as the pipeline's Grid mode does:
     * the plan's reading, then each tile by its estimated work ({@link org.tessera.plan.WorkCosts}:
     * its frames on its pixels), the coadd and the writing. A field shot 8 times beside one shot
     * once, the tiles stacked one at a time in layout order: each tile's end lies at the weights of
     * the tiles done so far (to 1e-9). The fixed shares a direct run had (tile k of n ending at
     * 0.05 + 0.665·k/n, by count) lie up to 0.17 from them here (weights 0.06, 0.50, 0.44, 0.44).
     */
    @Test
    void aDirectRunSharesItsBarByEstimatedWork() throws IOException {
        List<Path> files = new ArrayList<>(GridFixtures.sky().panels(1, 1).framesPerPanel(8).dither(3)
                .writeFits(dir.resolve("frames/deep")));
        double east = 2.2 * 96 * 2.4 / 3600 / Math.cos(Math.toRadians(40)); // 2.2 frame widths
        files.addAll(GridFixtures.sky().panels(1, 1).framesPerPanel(1).centre(150.0 + east, 40.0)
                .writeFits(dir.resolve("frames/shallow")));
        Path csv = GridFixtures.plan(dir, files, 10, null);
        Config c = GridFixtures.config(1);

        GridMode.PartPlan p = GridMode.plan(csv, c, Progress.NONE).parts().get(0);
        List<GridLayout.Tile> ts = p.layout().tiles();
        int n = ts.size();
        double[] w = new double[n];
        List<Double> mpx = new ArrayList<>();
        double sum = 0;
        for (int i = 0; i < n; i++) {
            mpx.add(ts.get(i).width() * (double) ts.get(i).height() / 1e6);
            w[i] = org.tessera.plan.WorkCosts.stack(p.tileFrames().get(i).size(), mpx.get(i));
            sum += w[i];
        }
        double total = sum + org.tessera.plan.WorkCosts.coadd(mpx)
                + org.tessera.plan.WorkCosts.save(p.layout().global().width() * (double) p.layout().global().height() / 1e6);
        double min = java.util.Arrays.stream(w).min().orElseThrow(), max = java.util.Arrays.stream(w).max().orElseThrow();
        assertTrue(n >= 4 && max >= 4 * min, n + " tiles, weights " + java.util.Arrays.toString(w));

        List<Object[]> ticks = new ArrayList<>();
        GridMode.run(csv, dir.resolve("out"), c, (f, m) -> { synchronized (ticks) { ticks.add(new Object[] {f, m}); } });
        double scan = org.tessera.plan.WorkCosts.SCAN_SHARE, done = 0, worst = 0;
        for (int k = 1; k <= n; k++) {
            done += w[k - 1];
            String end = "grid tile " + k + "/" + n;
            double at = ticks.stream().filter(t -> end.equals(t[1])).mapToDouble(t -> (Double) t[0]).findFirst().orElseThrow();
            assertEquals(scan + (1 - scan) * done / total, at, 1e-9, end);
            worst = Math.max(worst, Math.abs(at - (0.05 + 0.95 * 0.7 * k / n)));
        }
        assertTrue(worst > 0.1, "the fixture tells work from count: " + worst);
        double last = (Double) ticks.get(ticks.size() - 1)[0];
        assertEquals(1.0, last, 1e-12);
    }

    @Test
    void oneMonoFrameAmongColourFramesIsSetAsideAloneAndEveryTileIsMade() throws IOException {
        SyntheticSky sky = GridFixtures.sky();
        List<Path> files = new ArrayList<>(sky.writeFits(dir.resolve("frames")));
        // A small 1-channel frame in the corner of frame 0: it cannot share an RGB stack (issue 14,
        // item 6: it used to fail every tile that held it).
        FitsFrame f0 = FitsFrame.open(files.get(0));
        Path mono = GridFixtures.monoFrame(dir.resolve("frames/mono.fits"), f0.wcs(), 12, 12);
        files.add(mono);
        Path csv = GridFixtures.plan(dir, files, sky.exposureSeconds(), null);
        GridMode.Outcome o = GridMode.run(csv, dir.resolve("out"), GridFixtures.config(2), Progress.NONE);
        GridMode.Part part = o.parts().get(0);
        assertEquals(List.of(), part.failed());
        assertEquals(1, o.skipped().size(), o.skipped().toString());
        assertEquals(mono, o.skipped().get(0).file());
        assertTrue(o.skipped().get(0).reason().startsWith("mono (1-channel) frame among 16 colour (3-channel) frame(s)"),
                o.skipped().get(0).reason());
        assertNotNull(part.mosaic());
    }

    /**
     * Frames of two fields in a stack plan stop before any tile, and the message sizes the file Grid
     * mode would write: mosaic_grid.fits (grid_EQ/mosaic_grid.fits when mounts are mixed), not the
     * Classic mosaic.fits.
     */
    @Test
    void separateFieldsNameTheGridMosaic() throws IOException {
        SyntheticSky sky = GridFixtures.sky();
        List<Path> files = new ArrayList<>(sky.writeFits(dir.resolve("frames")));
        FitsFrame f0 = FitsFrame.open(files.get(0));
        files.add(GridFixtures.sparseFrame(dir.resolve("frames/far.fits"), f0.wcs().shifted(-2000, 0), 96, 72));
        Path csv = GridFixtures.plan(dir, files, sky.exposureSeconds(), null);
        org.tessera.wcs.SkyFields.Separate e = org.junit.jupiter.api.Assertions.assertThrows(
                org.tessera.wcs.SkyFields.Separate.class,
                () -> GridMode.run(csv, dir.resolve("out"), GridFixtures.config(1), Progress.NONE));
        assertTrue(e.getMessage().matches("the 17 frame\\(s\\) are of 2 separate fields, [0-9.]+ deg apart; one mosaic "
                + "of them would be a [0-9]+x[0-9]+ px grid \\(mosaic_grid\\.fits about [0-9]+ MB\\), mostly empty\\. .*"),
                e.getMessage());

        List<MountMode> mounts = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) mounts.add(i == 0 ? MountMode.ALT_AZ : MountMode.EQ);
        Path mixed = GridFixtures.plan(dir, files, sky.exposureSeconds(), mounts);
        e = org.junit.jupiter.api.Assertions.assertThrows(org.tessera.wcs.SkyFields.Separate.class,
                () -> GridMode.run(mixed, dir.resolve("out2"), GridFixtures.config(1), Progress.NONE));
        assertTrue(e.getMessage().contains(" px grid (grid_EQ/mosaic_grid.fits about "), e.getMessage());
    }

    /**
     * A frame of (almost) no data among good frames (two finite pixels here) was dropped by each
     * tile's stack and only logged there: not named among the skipped inputs (exit 0) and counted in
     * the mosaic's EXPTOTAL and NEXP_SUM. It is named, once, and left out of them. A frame of no
     * finite pixel at all is screened before the raster, named by its line in the stack's words.
     */
    @Test
    void aFrameEveryTileDroppedIsNamedAndNotCountedInTheMosaic() throws IOException {
        SyntheticSky sky = GridFixtures.sky();
        List<Path> files = new ArrayList<>(sky.writeFits(dir.resolve("frames")));
        FitsFrame f0 = FitsFrame.open(files.get(0));
        Path sparse = GridFixtures.sparseFrame(dir.resolve("frames/sparse.fits"), f0.wcs(), 96, 72);
        files.add(sparse);
        Path nan = GridFixtures.nanFrame(dir.resolve("frames/nan.fits"), f0.wcs().shifted(25, 25), 96, 72);
        files.add(nan);
        Path csv = GridFixtures.plan(dir, files, sky.exposureSeconds(), null);
        GridMode.Outcome[] run = new GridMode.Outcome[1];
        List<String> log = logged(() -> run[0] = GridMode.run(csv, dir.resolve("out"), GridFixtures.config(2), Progress.NONE));
        GridMode.Outcome o = run[0];
        GridMode.Part part = o.parts().get(0);
        assertEquals(List.of(), part.failed());
        assertEquals(2, o.skipped().size(), o.skipped().toString());
        assertEquals(new org.tessera.io.FrameScanner.Problem(nan, "line " + (files.size() + 1)
                + ": finite fraction 0.0000 < 0.02 in channel 0"), o.skipped().get(0));
        // tessera.log's line names the file, as the run's list does, not only its line of the plan
        assertTrue(log.contains("[GRID] frame skipped: nan.fits: line " + (files.size() + 1)
                + ": finite fraction 0.0000 < 0.02 in channel 0"), log.toString());
        assertEquals(sparse, o.skipped().get(1).file());
        assertTrue(o.skipped().get(1).reason().matches("dropped by every Grid tile it falls in: finite fraction "
                + "0\\.000[0-9] < 0\\.02 in channel 0"), o.skipped().get(1).reason());
        java.util.Map<String, String> keys = FitsFrame.open(part.mosaic()).keys();
        assertEquals(16, Integer.parseInt(keys.get("NEXP_SUM")));
        assertEquals(16 * sky.exposureSeconds(), Double.parseDouble(keys.get("EXPTOTAL")), 1e-9);
    }

    /**
     * The stack's "[STACK] frame X dropped" line is held back by the fronts' consoles (a
     * SkipNotice). A frame every tile dropped is a skipped input (the run's list names it); one that
     * a tile dropped and another stacked is named on the console by Grid mode's own line, with the
     * tiles, and is no skipped input.
     */
    @Test
    void aFrameOneTileDroppedAndAnotherStackedIsNamedWithItsTiles() throws IOException {
        List<Path> files = GridFixtures.sky().writeFits(dir.resolve("frames"));
        List<GridInputs.GridFrame> frames = new ArrayList<>();
        for (Path f : files.subList(0, 2)) frames.add(new GridInputs.GridFrame(null, FitsFrame.open(f), MountMode.EQ));
        String a = frames.get(0).frame().name(), b = frames.get(1).frame().name();
        GridLayout.Tile t1 = new GridLayout.Tile(1, 0, 0, 10, 10, null, List.of(0, 1));
        GridLayout.Tile t2 = new GridLayout.Tile(2, 5, 0, 10, 10, null, List.of(0, 1));
        GridLayout.Layout layout = new GridLayout.Layout(null, 10, 5, List.of(t1, t2));
        String why = "only 12 finite pixels (< 50) in channel 0";
        // tile 1 stacks a and drops b; tile 2 drops both
        org.tessera.stack.StackResult s1 = new org.tessera.stack.StackResult(1, List.of(b + ": " + why),
                new double[1], new double[][] {{1}, {0}});
        org.tessera.stack.StackResult s2 = new org.tessera.stack.StackResult(0, List.of(a + ": " + why, b + ": " + why),
                new double[1], new double[][] {{0}, {0}});
        java.util.List<String> u1 = GridMode.frameUse(frames, s1), u2 = GridMode.frameUse(frames, s2);
        assertEquals(java.util.Arrays.asList(null, why), u1);
        assertEquals(List.of(why, why), u2);
        java.util.Map<Integer, String>[] dropped = new java.util.Map[1];
        List<String> log = logged(() -> dropped[0] = GridMode.droppedEverywhere(layout, List.of(frames, frames),
                java.util.Map.of(2, u2, 1, u1)));
        assertEquals(java.util.Map.of(1, why), dropped[0]);
        assertEquals(List.of("[GRID] frame " + a + " dropped by tile(s) 2: " + why + "; stacked in tile(s) 1"), log);
    }

    /**
     * An all-zero readout 150 px left of the field: each tile's stack dropped it, but it had
     * already shaped the raster (tiles over it alone, failed; a wider mosaic grid). It is screened
     * before the raster, named by its line: the run is the run without it, tile for tile. So is a
     * tile Tessera wrote that the plan names (a folder's scan leaves it out; a plan had it stacked).
     */
    @Test
    void anAllZeroFrameIsNamedByItsLineAndShapesNoTile() throws IOException {
        SyntheticSky sky = GridFixtures.sky();
        List<Path> files = new ArrayList<>(sky.writeFits(dir.resolve("frames")));
        Path cleanPlan = GridFixtures.plan(dir, files, sky.exposureSeconds(), null);
        GridMode.Outcome clean = GridMode.run(cleanPlan, dir.resolve("clean"), GridFixtures.config(2), Progress.NONE);
        Path zero = GridFixtures.zeroFrame(dir.resolve("frames/zero.fits"),
                FitsFrame.open(files.get(0)).wcs().shifted(-150, 0), 96, 72);
        files.add(zero);
        // and a tile of the clean run named in the plan: stacked as one more exposure before, silently
        Path tile = clean.parts().get(0).tiles().get(0);
        files.add(tile);
        Path csv = GridFixtures.plan(dir, files, sky.exposureSeconds(), null);
        GridMode.Outcome o = GridMode.run(csv, dir.resolve("out"), GridFixtures.config(2), Progress.NONE);
        assertEquals(List.of(new org.tessera.io.FrameScanner.Problem(zero, "line " + files.size()
                + ": every pixel holds the same value, 0 (an all-zero or blank readout): no data"),
                new org.tessera.io.FrameScanner.Problem(tile, "line " + (files.size() + 1) + ": written by Tessera "
                        + "(ORIGIN = 'Tessera': a tile or a mosaic), not a raw frame: a stack plan lists raw frames "
                        + "(coadd tiles with 'tessera reproject OUTPUT tiles...')")), o.skipped());
        GridMode.Part a = clean.parts().get(0), b = o.parts().get(0);
        assertEquals(List.of(), b.failed());
        assertEquals(a.tiles().size(), b.tiles().size());
        assertEquals(16, b.frames());
        FitsFrame ma = FitsFrame.open(a.mosaic()), mb = FitsFrame.open(b.mosaic());
        assertEquals(List.of(ma.width(), ma.height()), List.of(mb.width(), mb.height()));
        float[][] pa = ma.newBand(ma.height()), pb = mb.newBand(mb.height());
        ma.readRows(0, ma.height(), pa);
        mb.readRows(0, mb.height(), pb);
        for (int c = 0; c < pa.length; c++) org.junit.jupiter.api.Assertions.assertArrayEquals(pa[c], pb[c]);
        // a plan of that frame alone: no usable frame, and why (it was "no frame with a usable WCS")
        Path alone = GridFixtures.plan(dir, List.of(zero), sky.exposureSeconds(), null);
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> GridMode.run(alone, dir.resolve("alone"), GridFixtures.config(1), Progress.NONE));
        assertEquals(alone + ": no usable frame (1 skipped, first: line 2: every pixel holds the same value, 0 "
                + "(an all-zero or blank readout): no data)", e.getMessage());
    }

    @Test
    void aTileWhoseFramesHoldNoDataFailsTheOthersAndTheMosaicAreMade() throws IOException {
        SyntheticSky sky = GridFixtures.sky();
        List<Path> files = new ArrayList<>(sky.writeFits(dir.resolve("frames")));
        // A frame of NaN but two pixels well right of the field: the tiles that hold only its NaN have
        // no data at all (issue 14, item 5: they were written empty and counted as done). (An all-NaN
        // frame is now screened before the raster.)
        FitsFrame f0 = FitsFrame.open(files.get(0));
        files.add(GridFixtures.sparseFrame(dir.resolve("frames/nan.fits"), f0.wcs().shifted(-600, 0), 96, 72));
        Path csv = GridFixtures.plan(dir, files, sky.exposureSeconds(), null);
        GridMode.Outcome[] o = new GridMode.Outcome[1];
        // 0.4° off a 0.2° field, the frame is a field of its own: allowed here, the test is about its tiles
        org.tessera.config.Config c = GridFixtures.config(2).put(org.tessera.wcs.SkyFields.KEY, true);
        List<String> log = logged(() -> o[0] = GridMode.run(csv, dir.resolve("out"), c, Progress.NONE));
        GridMode.Part part = o[0].parts().get(0);
        assertFalse(part.failed().isEmpty());
        assertFalse(part.tiles().isEmpty());
        for (org.tessera.plan.IsolatedTasks.Failure f : part.failed()) {
            assertTrue(f.reason().matches("none of its 1 frame\\(s\\) holds data on this tile \\(all dropped: "
                    + "nan.fits: finite fraction 0.0000 < 0.02 in channel 0\\); no tile written"), f.reason());
            Path gone = dir.resolve(String.format("out/tiles/tile_%04d.fits", f.id()));
            assertFalse(Files.exists(gone), "failed tile file removed: " + gone);
            assertFalse(Files.exists(gone.resolveSibling(gone.getFileName() + ".part")));
            assertTrue(log.stream().anyMatch(s -> s.startsWith("[GRID] Tile " + f.id() + " failed with error: ")), "logged");
        }
        try (var list = Files.list(dir.resolve("out/tiles"))) {
            assertEquals(part.tiles().size(), list.count());
        }
        assertNotNull(part.mosaic());
        assertTrue(Files.isRegularFile(part.mosaic()));
    }

    @Test
    void oneAndTwoWorkersGiveBitIdenticalTiles() throws IOException {
        SyntheticSky sky = GridFixtures.sky().framesPerPanel(1).noise(true).readNoise(5);
        List<Path> files = sky.writeFits(dir.resolve("frames"));
        Path csv = GridFixtures.plan(dir, files, sky.exposureSeconds(), null);
        GridMode.Outcome a = GridMode.run(csv, dir.resolve("w1"), GridFixtures.config(1), Progress.NONE);
        GridMode.Outcome b = GridMode.run(csv, dir.resolve("w2"), GridFixtures.config(2), Progress.NONE);
        List<Path> ta = a.parts().get(0).tiles(), tb = b.parts().get(0).tiles();
        assertEquals(ta.size(), tb.size());
        assertTrue(ta.size() >= 3);
        for (int i = 0; i < ta.size(); i++) {
            assertEquals(ta.get(i).getFileName(), tb.get(i).getFileName());
            assertEquals(-1L, Files.mismatch(ta.get(i), tb.get(i)), ta.get(i).getFileName() + " differs");
        }
        assertEquals(-1L, Files.mismatch(a.mosaic(), b.mosaic()), "mosaics differ");
    }

    /**
     * A rerun into the same folder with larger tiles: before, tiles/ kept the earlier run's extra
     * tiles beside this run's (4 files for a run of 1 tile), and a run stopped before its assembly
     * left the earlier mosaic_grid.fits looking current. They go to previous-run/; the mosaic is
     * the same as in a fresh folder; a frame the plan lists in the folder is never moved.
     */
    @Test
    void aRerunSetsTheEarlierRunsTilesAndMosaicAside() throws IOException {
        SyntheticSky sky = GridFixtures.sky().framesPerPanel(1);
        List<Path> files = sky.writeFits(dir.resolve("frames"));
        Path csv = GridFixtures.plan(dir, files, sky.exposureSeconds(), null);
        Path out = dir.resolve("out");
        GridMode.Outcome first = GridMode.run(csv, out, GridFixtures.config(1), Progress.NONE);
        int before = first.parts().get(0).tiles().size();
        assertTrue(before >= 3, "tiles of the first run: " + before);
        Files.writeString(out.resolve("tiles/tile_0009.fits.part"), "unfinished");
        Path userFile = Files.copy(files.get(0), out.resolve("tiles/tile_0042.fits")); // not Tessera's: stays

        Config bigTiles = GridFixtures.config(1);
        bigTiles.put("grid_size_factor", 8.0);
        List<String> log = new ArrayList<>();
        GridMode.Outcome[] second = new GridMode.Outcome[1];
        log.addAll(logged(() -> second[0] = GridMode.run(csv, out, bigTiles, Progress.NONE)));
        assertEquals(1, second[0].parts().get(0).tiles().size());
        List<String> left;
        try (var s = Files.list(out.resolve("tiles"))) {
            left = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(List.of("tile_0001.fits", "tile_0042.fits"), left);
        assertTrue(Files.isRegularFile(userFile));
        int moved = before + 3; // the tiles, the mosaic, its coverage and its preview
        assertTrue(log.contains("[GRID] " + moved + " file(s) of an earlier run (Grid tiles, mosaic) moved to "
                + out.resolve("previous-run") + " so they are not mixed with this run's"), log.toString());
        try (var s = Files.list(out.resolve("previous-run/tiles"))) {
            assertEquals(before, s.count());
        }
        assertTrue(Files.isRegularFile(out.resolve("previous-run/mosaic_grid.fits")));
        GridMode.Outcome fresh = GridMode.run(csv, dir.resolve("fresh"), bigTiles, Progress.NONE);
        assertEquals(-1L, Files.mismatch(fresh.mosaic(), second[0].mosaic()));
    }

    @Test
    void mixedMountsSplitIntoTwoRuns() throws IOException {
        SyntheticSky sky = GridFixtures.sky().framesPerPanel(1).panelMount(2, MountMode.ALT_AZ).panelMount(3, MountMode.ALT_AZ);
        List<Path> files = sky.writeFits(dir.resolve("frames"));
        // Mount from the headers (EQMODE), except frame 1 whose CSV column says ALT_AZ.
        List<MountMode> mounts = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) mounts.add(i == 1 ? MountMode.ALT_AZ : null);
        StringBuilder sb = new StringBuilder("path;mount\n");
        for (int i = 0; i < files.size(); i++)
            sb.append(dir.relativize(files.get(i))).append(';').append(mounts.get(i) == null ? "" : "altaz").append('\n');
        Path csv = Files.writeString(dir.resolve("stack_plan.csv"), sb);
        Config c = GridFixtures.config(2);
        GridMode.Outcome o = GridMode.run(csv, dir.resolve("out"), c, Progress.NONE);
        assertEquals(2, o.parts().size());
        assertEquals(MountMode.EQ, o.parts().get(0).mount());
        assertEquals(dir.resolve("out/grid_EQ"), o.parts().get(0).dir());
        assertEquals(MountMode.ALT_AZ, o.parts().get(1).mount());
        assertEquals(dir.resolve("out/grid_ALTZ"), o.parts().get(1).dir());
        for (GridMode.Part p : o.parts()) {
            assertTrue(Files.isRegularFile(p.dir().resolve("mosaic_grid.fits")), p.dir() + " mosaic");
            assertTrue(Files.isRegularFile(p.dir().resolve("mosaic_grid_coverage.fits")));
            assertFalse(p.tiles().isEmpty());
            assertTrue(p.tiles().get(0).startsWith(p.dir().resolve("tiles")));
        }
        assertFalse(Files.exists(dir.resolve("out/mosaic_grid.fits")));
        // Panels 3 and 4 are ALT_AZ by their headers, frame 2 by the CSV: 5 EQ and 3 ALT_AZ frames.
        assertEquals(5, o.parts().get(0).frames());
        assertEquals(3, o.parts().get(1).frames());
    }

    /**
     * Grid mode's tiles are stacked in parallel (grid_workers) and each tile's own stack and the
     * coadd have their worker pools: one, two or three at a time give the same mosaic, coverage and
     * preview, byte for byte (the order the tiles finish in is not the order they are coadded in).
     */
    @Test
    void sameBytesWhateverTheWorkers(@TempDir Path dir) throws Exception {
        SyntheticSky sky = GridFixtures.sky();
        List<Path> files = sky.writeFits(dir.resolve("frames"));
        Path csv = GridFixtures.plan(dir, files, sky.exposureSeconds(), null);
        byte[][] first = null;
        for (int[] w : new int[][] {{1, 1}, {2, -1}, {3, 2}}) {
            Config c = GridFixtures.config(w[0]).put("num_processing_workers", w[1]);
            Path out = dir.resolve("out" + w[0]);
            GridMode.Outcome o = GridMode.run(csv, out, c, Progress.NONE);
            GridMode.Part part = o.parts().get(0);
            assertTrue(part.failed().isEmpty() && part.tiles().size() >= 3, "tiles " + part.tiles() + ", failed " + part.failed());
            byte[][] bytes = {Files.readAllBytes(o.mosaic()), Files.readAllBytes(part.coverage()), Files.readAllBytes(part.preview())};
            if (first == null) first = bytes;
            else for (int k = 0; k < 3; k++)
                assertTrue(java.util.Arrays.equals(first[k], bytes[k]), "output " + k + " with grid_workers " + w[0]);
        }
    }
}
