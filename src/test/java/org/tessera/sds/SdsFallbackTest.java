package org.tessera.sds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Progress;
import org.tessera.pipeline.MosaicPipeline;

/**
 * A 2 × 2 panel mosaic (as the demo sky, smaller: frames in panel order) with SDS asked for: a
 * batch of one or two panels' frames covers at most about four fifths of the global grid, no batch reaches
 * sds_coverage_threshold, so the run is Classic's, said in one line. (The demo sky itself, `tessera
 * mosaic --set sds_mode_default=true`, logs the same line with 36.6%.)
 */
class SdsFallbackTest {

    @TempDir
    Path dir;

    @Test
    void noValidBatchFallsBackToClassicWithOneLogLine() throws IOException {
        MosaicPipeline.Outcome[] o = new MosaicPipeline.Outcome[1];
        SdsFixtures.field(4).panels(2, 2).overlap(0.3).writeFits(dir.resolve("frames"));
        Path out = dir.resolve("out");
        List<String> log = SdsFixtures.logged(() -> o[0] = MosaicPipeline.mosaic(List.of(dir.resolve("frames")), out,
                SdsFixtures.sds(), Progress.NONE));
        List<String> fallback = log.stream().filter(s -> s.contains("falling back to Classic")).toList();
        assertEquals(1, fallback.size(), String.join("\n", log));
        assertTrue(fallback.get(0).matches("\\[SDS\\] SDS mode cannot run, falling back to Classic: no batch covers"
                + " sds_coverage_threshold 0\\.92 of the global grid \\(best [1-8]\\d\\.\\d%\\)"), fallback.get(0));
        // Classic ran: master tiles, the mosaic, nothing left out, no mega-tile left behind.
        assertEquals(4, o[0].masterTiles().size(), o[0].masterTiles().toString());
        assertEquals(List.of(), o[0].skipped());
        assertTrue(Files.isRegularFile(o[0].mosaic()));
        assertFalse(Files.exists(out.resolve(SdsMode.WORK_DIR)));
        assertFalse(log.stream().anyMatch(s -> s.startsWith("[SDS] batch ")), "no mega-tile made");
    }

    /** A folder holding stack_plan.csv runs in Grid mode even with sds_mode_default=true (the original's priority). */
    @Test
    void gridModeKeepsPriorityOverSds() throws IOException {
        Path in = dir.resolve("in");
        List<Path> files = SdsFixtures.field(6).writeFits(in.resolve("frames"));
        StringBuilder csv = new StringBuilder("file_path\n");
        for (Path f : files) csv.append("frames/").append(f.getFileName()).append('\n');
        Files.writeString(in.resolve(MosaicPipeline.STACK_PLAN), csv);
        MosaicPipeline.Outcome[] o = new MosaicPipeline.Outcome[1];
        List<String> log = SdsFixtures.logged(() -> o[0] = MosaicPipeline.mosaic(List.of(in), dir.resolve("out"),
                SdsFixtures.sds(), Progress.NONE));
        assertEquals(dir.resolve("out").resolve("mosaic_grid.fits"), o[0].mosaic());
        assertTrue(log.contains("[GRID] " + in.resolve(MosaicPipeline.STACK_PLAN) + ": Grid mode has priority over sds_mode_default=true"),
                String.join("\n", log));
        assertFalse(log.stream().anyMatch(s -> s.startsWith("[SDS]")), "no SDS step");
    }

    /**
     * A full disk met by a mega-tile (its files, or the manifest that records it) ended that batch
     * only: the next failed the same way and the run fell back to Classic, master tiles instead of
     * the SDS mosaic asked for. It ends the run, naming the file.
     */
    @Test
    void aFullDiskEndsTheRunInsteadOfFallingBackToClassic() throws IOException {
        SdsFixtures.field(15).writeFits(dir.resolve("frames"));
        List<org.tessera.io.FitsFrame> frames = org.tessera.io.FrameScanner.scan(List.of(dir.resolve("frames")), true).frames();
        org.tessera.config.Config c = SdsFixtures.sds();
        SdsMode.Plan plan = SdsMode.plan(frames, c);
        assertEquals(2, plan.batches().size());
        Path manifest = dir.resolve("out/tessera-run.json.tmp");
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        SdsMode.Store full = new SdsMode.Store() {
            @Override public boolean reused(int id) { return false; }
            @Override public void done(int id) throws IOException {
                done.incrementAndGet();
                throw new java.nio.file.FileSystemException(manifest.toString(), null, "No space left on device");
            }
        };
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> SdsMode.run(plan,
                dir.resolve("out"), c, org.tessera.plan.ResourcePlan.fromRuntime(c),
                org.tessera.reproject.CpuBandCoadder.INSTANCE, new org.tessera.reproject.CoaddFiles.Names("m.fits", "c.fits", "p.png"),
                new SdsMode.Stages(Progress.NONE, Progress.NONE, Progress.NONE), full));
        assertEquals(manifest + ": the disk is full (No space left on device): free some space or choose another output folder",
                org.tessera.UserMessages.describe(e));
        assertEquals(1, done.get(), "no batch after the full disk");
    }

    /**
     * One batch that fails (a frame of it gone since the plan: a disk unplugged, a file moved) leaves
     * the others to make the mosaic and names its frames. The reason was the exception's bare message,
     * here the missing file's path alone ("SDS batch 2 failed: /…/x.fit"); it says what happened now.
     */
    @Test
    void aBatchThatFailsNamesItsFramesWithTheReasonInWords() throws IOException {
        SdsFixtures.field(15).writeFits(dir.resolve("frames"));
        List<org.tessera.io.FitsFrame> frames = org.tessera.io.FrameScanner.scan(List.of(dir.resolve("frames")), true).frames();
        org.tessera.config.Config c = SdsFixtures.sds();
        SdsMode.Plan plan = SdsMode.plan(frames, c);
        assertEquals(2, plan.batches().size());
        Path gone = plan.frames().get(plan.batches().get(1).frames().get(0)).path();
        java.nio.file.Files.delete(gone);
        SdsMode.Store none = new SdsMode.Store() {
            @Override public boolean reused(int id) { return false; }
            @Override public void done(int id) { }
        };
        SdsMode.Outcome o = SdsMode.run(plan, dir.resolve("out"), c, org.tessera.plan.ResourcePlan.fromRuntime(c),
                org.tessera.reproject.CpuBandCoadder.INSTANCE, new org.tessera.reproject.CoaddFiles.Names("m.fits", "c.fits", "p.png"),
                new SdsMode.Stages(Progress.NONE, Progress.NONE, Progress.NONE), none);
        assertEquals(1, o.batches().size());
        assertEquals(plan.batches().get(1).frames().size(), o.left().size(), o.left().toString());
        for (SdsMode.Left l : o.left())
            assertEquals("SDS batch 2 failed: " + gone.getFileName() + ": cannot read rows 0..179: does not exist", l.reason(),
                    l.file().toString());
        assertTrue(java.nio.file.Files.isRegularFile(o.mosaic()));
    }
}
