package org.tessera.grid;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Logged;
import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.config.Json;
import org.tessera.io.FitsFrame;
import org.tessera.io.MountMode;
import org.tessera.pipeline.MosaicPipeline;
import org.tessera.pipeline.RunManifest;
import org.tessera.synth.SyntheticSky;

/**
 * Grid mode resumes as Classic and SDS do (reference.md §0 "Resume"): a run stopped after some
 * tiles keeps them, and its rerun on the same folder takes them as they are (not written again)
 * and ends with the mosaic of an uninterrupted run; what the reused tiles' stacks dropped is still
 * reported; a setting that changes a tile makes every tile again, one that changes only the
 * assembly reuses them all; each mount's folder resumes on its own.
 */
class GridResumeTest {

    @TempDir Path dir;

    /** GridFixtures' settings with smaller tiles (factor × overlap still ≥ 1): a raster of several tiles. */
    private static Config config(int workers) {
        Config c = GridFixtures.config(workers);
        c.put("grid_size_factor", 1.25);
        c.put("batch_overlap_pct", 82);
        return c;
    }

    /** The run stopped (a user's cancel) once {@code tiles} tiles are recorded as finished. */
    private static Progress stopAfter(Path partDir, int tiles) {
        return new Progress() {
            @Override public void update(double fraction, String message) {}
            @Override public boolean cancelled() { return recorded(partDir).size() >= tiles; }
        };
    }

    @Test
    void aStoppedRunResumesToTheSameMosaicWithoutStackingItsFinishedTilesAgain() throws IOException {
        SyntheticSky sky = GridFixtures.sky();
        List<Path> files = new ArrayList<>(sky.writeFits(dir.resolve("frames")));
        // every tile's stack drops it: the run names it as skipped, also when its tiles are reused
        Path sparse = GridFixtures.sparseFrame(dir.resolve("frames/sparse.fits"), FitsFrame.open(files.get(0)).wcs(), 96, 72);
        files.add(sparse);
        Path csv = GridFixtures.plan(dir, files, sky.exposureSeconds(), null);
        Config one = config(1);

        MosaicPipeline.Outcome ref = MosaicPipeline.grid(csv, dir.resolve("ref"), one, Progress.NONE);
        int total = tileFiles(dir.resolve("ref")).size();
        assertTrue(total >= 4, "a raster of several tiles: " + total);

        Path out = dir.resolve("out");
        assertThrows(CancellationException.class, () -> MosaicPipeline.grid(csv, out, one, stopAfter(out, 2)));
        Set<String> kept = recorded(out);
        assertTrue(kept.size() >= 2 && kept.size() < total, kept + " of " + total);
        assertFalse(Files.exists(out.resolve(GridMode.NAMES.mosaic())));
        Map<String, FileTime> times = new TreeMap<>();
        for (String t : kept) times.put(t, Files.getLastModifiedTime(out.resolve(GridMode.TILES_DIR).resolve(t)));
        // what a killed JVM leaves: a half-written tile and mosaic
        Files.writeString(out.resolve(GridMode.TILES_DIR).resolve("tile_0099.fits.part"), "half");
        Files.writeString(out.resolve(GridMode.NAMES.mosaic() + ".part"), "half");

        MosaicPipeline.Outcome[] o = new MosaicPipeline.Outcome[1];
        List<String> log = Logged.during("org.tessera", () -> o[0] = MosaicPipeline.grid(csv, out, one, Progress.NONE));
        Matcher m = Pattern.compile("\\[GRID\\] Grid tile \\d+ reused from the earlier run: (tile_\\d{4}\\.fits) \\(\\d+ frames?, "
                + "size and CRC-32 verified\\)").matcher(String.join("\n", log));
        Set<String> reused = new TreeSet<>();
        while (m.find()) reused.add(m.group(1));
        assertEquals(kept, reused, log.toString());
        assertTrue(log.contains("[GRID] resume: " + kept.size() + " of " + total + " Grid tile(s) reused, "
                + (total - kept.size()) + " to make"), log.toString());
        assertTrue(log.contains("[GRID] EQ: " + total + " tile(s) done (" + kept.size() + " reused from the earlier run), 0 failed"),
                log.toString());
        for (String t : kept)
            assertEquals(times.get(t), Files.getLastModifiedTime(out.resolve(GridMode.TILES_DIR).resolve(t)), t + " stacked again");
        assertEquals(total, tileFiles(out).size());
        assertFalse(Files.exists(out.resolve(GridMode.TILES_DIR).resolve("tile_0099.fits.part")));
        assertFalse(Files.exists(out.resolve(GridMode.NAMES.mosaic() + ".part")));
        assertFalse(Files.exists(out.resolve(RunManifest.PREVIOUS)), "nothing of this run's own is moved aside");

        assertEquals(ref.skipped().size(), o[0].skipped().size(), o[0].skipped().toString());
        assertEquals(sparse, o[0].skipped().get(0).file());
        assertEquals(ref.skipped().get(0).reason(), o[0].skipped().get(0).reason());
        for (String name : GridMode.NAMES.all().subList(0, 2))
            assertPixelsEqual(dir.resolve("ref").resolve(name), out.resolve(name));
        assertEquals(FitsFrame.open(ref.mosaic()).keys().get("NEXP_SUM"), FitsFrame.open(o[0].mosaic()).keys().get("NEXP_SUM"));

        // Every tile reused: nothing stacked, the dropped frame still named and out of the exposure sums.
        List<String> again = Logged.during("org.tessera", () -> o[0] = MosaicPipeline.grid(csv, out, one, Progress.NONE));
        assertTrue(again.contains("[GRID] resume: " + total + " of " + total + " Grid tile(s) reused, 0 to make"), again.toString());
        assertTrue(again.stream().noneMatch(l -> l.contains("processed by worker")), again.toString());
        assertEquals(ref.skipped(), o[0].skipped().stream().map(s -> new MosaicPipeline.Skipped(s.file(), s.reason())).toList());
        assertPixelsEqual(ref.mosaic(), o[0].mosaic());

        // resume=off: every tile made again.
        Config off = config(1);
        off.put("resume", "off");
        List<String> clean = Logged.during("org.tessera", () -> MosaicPipeline.grid(csv, out, off, Progress.NONE));
        assertEquals(total, clean.stream().filter(l -> l.contains("processed by worker")).count(), clean.toString());
        assertTrue(clean.stream().noneMatch(l -> l.contains("reused from the earlier run")), clean.toString());
    }

    @Test
    void aTileSettingMakesEveryTileAgainAnAssemblySettingReusesThem() throws IOException {
        SyntheticSky sky = GridFixtures.sky();
        List<Path> files = sky.writeFits(dir.resolve("frames"));
        Path csv = GridFixtures.plan(dir, files, sky.exposureSeconds(), null);
        Path out = dir.resolve("out");
        MosaicPipeline.grid(csv, out, config(2), Progress.NONE);
        int total = tileFiles(out).size();

        Config kappa = config(2);
        kappa.put("stacking_kappa_high", 2.5);
        List<String> log = Logged.during("org.tessera", () -> MosaicPipeline.grid(csv, out, kappa, Progress.NONE));
        String moved = "[GRID] " + (total + 4) + " file(s) of an earlier, different run (Grid tiles, mosaic) moved to "
                + out.resolve(RunManifest.PREVIOUS) + " so they are not mixed with this run's; every Grid tile is made again: "
                + "setting(s) changed: stacking_kappa_high 3 -> 2.5";
        assertTrue(log.contains(moved), log.toString());
        assertEquals(total, log.stream().filter(l -> l.contains("processed by worker")).count(), log.toString());
        assertEquals(total, tileFiles(out.resolve(RunManifest.PREVIOUS)).size());

        // Phase 5's kernel changes the mosaic, not a tile: all reused, the mosaic made again.
        Config lanczos = config(2);
        lanczos.put("stacking_kappa_high", 2.5);
        lanczos.put("reproject_kernel", "lanczos3");
        FileTime before = Files.getLastModifiedTime(out.resolve(GridMode.NAMES.mosaic()));
        log = Logged.during("org.tessera", () -> MosaicPipeline.grid(csv, out, lanczos, Progress.NONE));
        assertTrue(log.contains("[GRID] resume: " + total + " of " + total + " Grid tile(s) reused, 0 to make"), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.contains("the Grid tiles are reused, the mosaic is made again: setting(s) changed: "
                + "reproject_kernel bilinear -> lanczos3")), log.toString());
        assertNotEquals(before, Files.getLastModifiedTime(out.resolve(GridMode.NAMES.mosaic())));
    }

    @Test
    void eachMountsFolderResumesOnItsOwn() throws IOException {
        SyntheticSky sky = GridFixtures.sky();
        List<Path> files = sky.writeFits(dir.resolve("frames"));
        List<MountMode> mounts = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) mounts.add(i < files.size() / 2 ? MountMode.EQ : MountMode.ALT_AZ);
        Path csv = GridFixtures.plan(dir, files, sky.exposureSeconds(), mounts);
        Path out = dir.resolve("out");
        MosaicPipeline.grid(csv, out, config(2), Progress.NONE);
        int eq = tileFiles(out.resolve("grid_EQ")).size(), altaz = tileFiles(out.resolve("grid_ALTZ")).size();
        assertEquals(eq, recorded(out.resolve("grid_EQ")).size());
        assertEquals(altaz, recorded(out.resolve("grid_ALTZ")).size());
        assertFalse(Files.exists(out.resolve(RunManifest.FILE)), "one manifest per mount's folder");

        List<String> log = Logged.during("org.tessera", () -> MosaicPipeline.grid(csv, out, config(2), Progress.NONE));
        assertTrue(log.contains("[GRID] resume: " + eq + " of " + eq + " Grid tile(s) reused, 0 to make"), log.toString());
        assertTrue(log.contains("[GRID] resume: " + altaz + " of " + altaz + " Grid tile(s) reused, 0 to make"), log.toString());
    }

    /** Tiles the manifest in {@code partDir} records as finished. */
    static Set<String> recorded(Path partDir) {
        try {
            Object o = Json.parse(Files.readString(partDir.resolve(RunManifest.FILE)));
            Set<String> s = new TreeSet<>();
            if (o instanceof Map<?, ?> m && m.get("tiles") instanceof Map<?, ?> t) for (Object k : t.keySet()) s.add(String.valueOf(k));
            return s;
        } catch (IOException | RuntimeException e) {
            return Set.of();
        }
    }

    private static List<String> tileFiles(Path partDir) throws IOException {
        Path d = partDir.resolve(GridMode.TILES_DIR);
        if (!Files.isDirectory(d)) return List.of();
        try (var s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("tile_\\d{4}\\.fits")).sorted().toList();
        }
    }

    private static void assertPixelsEqual(Path a, Path b) throws IOException {
        FitsFrame fa = FitsFrame.open(a), fb = FitsFrame.open(b);
        assertEquals(fa.width(), fb.width());
        assertEquals(fa.height(), fb.height());
        assertEquals(fa.channels(), fb.channels());
        float[][] ra = new float[fa.channels()][fa.width() * fa.height()], rb = new float[fb.channels()][fb.width() * fb.height()];
        fa.readRows(0, fa.height(), ra);
        fb.readRows(0, fb.height(), rb);
        for (int c = 0; c < ra.length; c++) assertArrayEquals(ra[c], rb[c], a.getFileName() + " channel " + c);
    }
}
