package org.tessera.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.cli.Main;
import org.tessera.command.Jobs;
import org.tessera.config.Json;
import org.tessera.io.MountMode;
import org.tessera.synth.SyntheticSky;

/**
 * Resume and stale outputs (issue 14 item 8 and "Resume"): a run killed with {@code kill -9}
 * (Process.destroyForcibly of a child JVM) at several points, then rerun on the same output
 * folder, ends with a mosaic bit-identical to an uninterrupted run's and does not recompute the
 * tiles it had finished; files of an earlier, different run never stay beside a new run's.
 */
class ResumeTest {

    @TempDir static Path tmp;
    static Path frames;
    static final String[] ONE_WORKER = {"--set", "num_processing_workers=1"};

    @BeforeAll
    static void frames() throws Exception {
        frames = tmp.resolve("frames");
        // Six pointings far enough apart to make six master tiles.
        new SyntheticSky().seed(5).centre(150, 40).panels(3, 2).overlap(0.1).framesPerPanel(3).frameSize(240, 180)
                .pixelScale(2.4).dither(3).mount(MountMode.EQ).writeFits(frames);
    }

    @Test
    void killedRunsResumeToTheSameMosaicWithoutRecomputingFinishedTiles() throws Exception {
        Path ref = tmp.resolve("ref");
        String refLog = cli("mosaic", frames.toString(), ref.toString(), ONE_WORKER[0], ONE_WORKER[1]);
        assertTrue(refLog.startsWith("rc=0"), refLog);
        int total = tiles(ref).size();
        assertEquals(6, total, refLog);

        Path out = tmp.resolve("out");
        Set<String> before = Set.of();
        Map<String, FileTime> times = new HashMap<>();
        int kills = 0;
        for (int k : new int[] {1, 3, 6}) { // after 1 tile, after 3, with every tile done (Phase 4/5)
            Process p = ChildJvm.start(null, tmp.resolve("kill-" + k + ".txt"), "mosaic", frames.toString(), out.toString(),
                    ONE_WORKER[0], ONE_WORKER[1]);
            long deadline = System.currentTimeMillis() + 120_000;
            while (recorded(out).size() < k && p.isAlive() && System.currentTimeMillis() < deadline) Thread.sleep(5);
            boolean killed = p.isAlive();
            p.destroyForcibly().waitFor();
            if (killed) kills++;
            Set<String> now = recorded(out);
            assertTrue(now.containsAll(before), "a resumed run keeps the tiles it had: " + before + " -> " + now);
            for (String t : before)
                assertEquals(times.get(t), Files.getLastModifiedTime(out.resolve("master_tiles").resolve(t)),
                        t + " was finished before the kill and must not be written again");
            for (String t : now) times.putIfAbsent(t, Files.getLastModifiedTime(out.resolve("master_tiles").resolve(t)));
            before = now;
        }
        assertTrue(kills >= 2, "the run was killed mid-way at least twice (" + kills + ")");
        assertFalse(before.isEmpty());

        String log = cli("mosaic", frames.toString(), out.toString(), ONE_WORKER[0], ONE_WORKER[1]);
        assertTrue(log.startsWith("rc=0"), log);
        // One line per reused tile, and only the others made.
        Matcher m = Pattern.compile("master tile \\d+ reused from the earlier run: (master_tile_\\d{3}\\.fits)").matcher(log);
        Set<String> reused = new TreeSet<>();
        while (m.find()) reused.add(m.group(1));
        assertEquals(new TreeSet<>(before), reused, log);
        if (reused.size() < total) assertTrue(log.contains("[P3] " + (total - reused.size()) + " master tile(s) on"), log);
        else assertFalse(log.contains("master tile(s) on"), log);
        for (String t : reused)
            assertEquals(times.get(t), Files.getLastModifiedTime(out.resolve("master_tiles").resolve(t)), t + " recomputed");
        assertEquals(total, tiles(out).size());
        try (Stream<Path> s = Files.list(out.resolve(MosaicPipeline.TILES_DIR))) {
            assertEquals(List.of(), s.map(Path::getFileName).map(Path::toString).filter(n -> !n.matches("master_tile_\\d{3}\\.fits")).toList(),
                    "no half-written tile of a killed run stays behind");
        }

        float[][] a = ChildJvm.pixels(ref.resolve(MosaicPipeline.MOSAIC)), b = ChildJvm.pixels(out.resolve(MosaicPipeline.MOSAIC));
        for (int c = 0; c < a.length; c++) assertArrayEquals(a[c], b[c], "channel " + c + " after kills and resume");

        // resume=off starts clean: every tile made again.
        String clean = cli("mosaic", frames.toString(), out.toString(), ONE_WORKER[0], ONE_WORKER[1], "--set", "resume=off");
        assertTrue(clean.startsWith("rc=0") && clean.contains("[P3] " + total + " master tile(s) on") && !clean.contains("reused"), clean);
    }

    @Test
    void filesOfAnEarlierDifferentRunAreMovedAsideNeverMixed() throws Exception {
        Path out = tmp.resolve("stale");
        assertTrue(cli("mosaic", frames.toString(), out.toString()).startsWith("rc=0"));
        assertEquals(6, tiles(out).size());
        // A different run over the same folder, killed once its first tile is written: the old
        // mosaic must not stay there looking current, nor the old tiles beside the new one.
        Process p = ChildJvm.start(null, tmp.resolve("stale-kill.txt"), "mosaic", frames.toString(), out.toString(),
                "--set", "stacking_kappa_high=2.5", ONE_WORKER[0], ONE_WORKER[1]);
        long deadline = System.currentTimeMillis() + 120_000;
        while (!(recorded(out).size() >= 1 && manifestText(out).contains("\"2.5\"")) && p.isAlive()
                && System.currentTimeMillis() < deadline) Thread.sleep(5);
        boolean killed = p.isAlive();
        p.destroyForcibly().waitFor();
        assertTrue(killed, "killed during Phase 3:\n" + Files.readString(tmp.resolve("stale-kill.txt")));
        assertFalse(Files.exists(out.resolve(MosaicPipeline.MOSAIC)), "the old mosaic must not look current");
        assertTrue(Files.exists(out.resolve(RunManifest.PREVIOUS).resolve(MosaicPipeline.MOSAIC)), "moved aside, not lost");
        assertEquals(6, tiles(out.resolve(RunManifest.PREVIOUS)).size());
        assertTrue(tiles(out).size() < 6, "only the new run's tiles: " + tiles(out));

        // A run on fewer frames: only its own tile stays in master_tiles/.
        Path few = tmp.resolve("few");
        Files.createDirectories(few);
        try (Stream<Path> s = Files.list(frames)) {
            for (Path f : s.sorted().limit(3).toList()) Files.copy(f, few.resolve(f.getFileName()));
        }
        assertTrue(cli("mosaic", few.toString(), out.toString()).startsWith("rc=0"));
        assertEquals(List.of("master_tile_000.fits"), tiles(out));
    }

    /** Tiles the manifest in {@code out} records as finished. */
    static Set<String> recorded(Path out) {
        try {
            Object o = Json.parse(Files.readString(out.resolve(RunManifest.FILE)));
            if (o instanceof Map<?, ?> m && m.get("tiles") instanceof Map<?, ?> t) {
                Set<String> s = new TreeSet<>();
                for (Object k : t.keySet()) s.add(k.toString());
                return s;
            }
        } catch (Exception e) {
            // not written yet, or being replaced
        }
        return Set.of();
    }

    static String manifestText(Path out) {
        try {
            return Files.readString(out.resolve(RunManifest.FILE));
        } catch (Exception e) {
            return "";
        }
    }

    static List<String> tiles(Path out) throws Exception {
        Path dir = out.resolve(MosaicPipeline.TILES_DIR);
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("master_tile_\\d{3}\\.fits")).sorted().toList();
        }
    }

    static String cli(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(o, true, StandardCharsets.UTF_8);
        int rc = new Main(Jobs.PIPELINE).run(args, ps, ps);
        return "rc=" + rc + "\n" + o.toString(StandardCharsets.UTF_8);
    }
}
