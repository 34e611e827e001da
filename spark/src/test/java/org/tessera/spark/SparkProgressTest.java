package org.tessera.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Progress;
import org.tessera.ProgressParts;
import org.tessera.config.Config;
import org.tessera.io.MountMode;
import org.tessera.pipeline.MosaicPipeline;
import org.tessera.synth.SyntheticSky;

/**
 * The driver's bar on Spark moves with the work, as on one machine: each task's end as it comes,
 * by its weight (SparkTasks), and the phases by the pipeline's estimates (WorkBar) instead of
 * fixed splits (Phase 1 at 0.2, the master tiles at 0.7 before progress9).
 */
class SparkProgressTest {

    /** A report: the bar's fraction, seconds since the run began, the message. */
    record Tick(double fraction, double seconds, String message) {}

    static final class Recorder implements Progress {
        final List<Tick> ticks = new ArrayList<>();
        final long start = System.nanoTime();

        @Override public synchronized void update(double fraction, String message) {
            ticks.add(new Tick(fraction, (System.nanoTime() - start) / 1e9, message));
        }
    }

    /** Tasks of weights 6, 3 and 1: each end moves the bar by 0.6, 0.3 or 0.1, whatever order they end in. */
    @Test
    void eachTaskEndMovesTheBarByItsWeight() {
        Recorder r = new Recorder();
        List<Integer> out = SparkTasks.run(LocalSpark.context(), List.of(1, 2, 3), x -> 10 * x,
                new ProgressParts(r, new double[] {6, 3, 1}), "task");
        assertEquals(List.of(10, 20, 30), out);
        assertEquals(3, r.ticks.size());
        List<Double> steps = new ArrayList<>();
        double before = 0;
        for (int i = 0; i < 3; i++) {
            Tick t = r.ticks.get(i);
            assertEquals("task " + (i + 1) + "/3", t.message());
            steps.add(Math.round((t.fraction() - before) * 1e9) / 1e9);
            before = t.fraction();
        }
        steps.sort(null);
        assertEquals(List.of(0.1, 0.3, 0.6), steps);
        assertEquals(1.0, before, 1e-12);
    }

    /**
     * The demo sky on Spark: the bar never goes back, ends at 1, moves once per master tile as
     * its task ends, and at the end of the master tiles (most of the run) lies within 0.25 of the
     * share of the wall time spent, as ProgressHonestyTest asks on one machine.
     */
    @Test
    void demoSkyBarFollowsTheWork(@TempDir Path dir) throws IOException {
        Recorder r = new Recorder();
        new SparkMosaic(LocalSpark.context()).mosaic(List.of(), dir.resolve("spark"), new Config(), r);
        double end = (System.nanoTime() - r.start) / 1e9;
        StringBuilder trace = new StringBuilder();
        for (Tick t : r.ticks)
            trace.append(String.format(Locale.ROOT, "%n  %5.1f%% at %5.1f%% of the time  %s", 100 * t.fraction(),
                    100 * t.seconds() / end, t.message()));
        System.out.println("Spark, demo sky: run " + String.format(Locale.ROOT, "%.2f s", end) + trace);
        for (int i = 1; i < r.ticks.size(); i++)
            assertTrue(r.ticks.get(i).fraction() >= r.ticks.get(i - 1).fraction(), "went back at " + i + trace);
        assertEquals(1.0, r.ticks.get(r.ticks.size() - 1).fraction(), 1e-12, trace.toString());
        long tileEnds = r.ticks.stream().filter(t -> t.message() != null && t.message().matches("master tile \\d+/4")).count();
        assertEquals(4, tileEnds, "one report per master tile's task" + trace);
        assertTrue(r.ticks.stream().anyMatch(t -> t.message() != null && t.message().matches("\\[P5] band tasks done 1/\\d+")),
                "the band tasks move the bar as they end" + trace);
        Tick tiles = r.ticks.stream().filter(t -> "4 master tile(s)".equals(t.message())).findFirst().orElseThrow();
        double t0 = r.ticks.get(0).seconds();
        double share = (tiles.seconds() - t0) / (end - t0);
        assertTrue(Math.abs(tiles.fraction() - share) <= 0.25,
                String.format(Locale.ROOT, "master tiles done: bar %.3f at %.3f of the time%s", tiles.fraction(), share, trace));
    }

    /**
     * Grid mode on Spark, a field shot 12 times beside one shot twice (tiles of the same size): each
     * tile's task moves the bar by its frames as it ends, so the deep tiles' steps are 6× the
     * shallow ones' (by count they were all alike).
     */
    @Test
    void gridTilesMoveTheBarByTheirFrames(@TempDir Path dir) throws IOException {
        Path in = dir.resolve("in");
        List<Path> files = new ArrayList<>(field(12, 150.0 + 2.6 * 240 * 2.4 / 3600 / Math.cos(Math.toRadians(40)))
                .writeFits(in.resolve("deep")));
        files.addAll(field(2, 150.0).writeFits(in.resolve("shallow")));
        StringBuilder sb = new StringBuilder("file_path,exptime\n");
        for (Path f : files) if (f.toString().matches(".*\\.fits?")) sb.append(f.toAbsolutePath()).append(",10\n");
        java.nio.file.Files.writeString(in.resolve(MosaicPipeline.STACK_PLAN), sb);
        Config c = new Config().put("grid_size_factor", 1.7).put("batch_overlap_pct", 60);
        Recorder r = new Recorder();
        MosaicPipeline.Outcome o = new SparkMosaic(LocalSpark.context()).mosaic(List.of(in), dir.resolve("out"), c, r);
        List<Double> steps = new ArrayList<>();
        double before = Double.NaN;
        StringBuilder trace = new StringBuilder();
        for (Tick t : r.ticks) {
            trace.append(String.format(Locale.ROOT, "%n  %5.1f%%  %s", 100 * t.fraction(), t.message()));
            if (t.message() != null && t.message().startsWith("[GRID] tiles done on Spark ")) steps.add(t.fraction() - before);
            before = t.fraction();
        }
        System.out.println("Spark, Grid 12 + 2 frames:" + trace);
        assertEquals(o.masterTiles().size(), steps.size(), "one step per tile" + trace);
        steps.sort(null);
        assertTrue(steps.size() >= 4 && steps.get(steps.size() - 1) > 5 * steps.get(0), "steps " + steps + trace);
        assertEquals(1.0, r.ticks.get(r.ticks.size() - 1).fraction(), 1e-12);
    }

    /** One field of {@code frames} frames 240x180 px at 2.4"/px, centred at (ra, 40°). */
    private static SyntheticSky field(int frames, double ra) {
        return new SyntheticSky().seed(20261206L).centre(ra, 40.0).panels(1, 1).framesPerPanel(frames)
                .frameSize(240, 180).pixelScale(2.4).mount(MountMode.EQ).dither(4).psfFwhm(3.5).gradient(0.1).starDensity(1.2)
                .starFlux(300, 60000, 0.5).output(SyntheticSky.Output.RGB_FLOAT);
    }
}
