package org.tessera.sds;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

import org.tessera.Progress;
import org.tessera.UserMessages;
import org.tessera.config.Config;
import org.tessera.io.FitsFrame;
import org.tessera.plan.ResourcePlan;
import org.tessera.reproject.BandCoadder;
import org.tessera.reproject.CoaddFiles;
import org.tessera.reproject.CoaddParams;
import org.tessera.wcs.WcsGrid;

/**
 * SDS mode (the original's "ZeSupaDupStack", mosaic first; reference.md §0, docs/user-guide.md):
 * the placed frames of Phase 1 → the global grid ({@link SdsGrid}) → batches that each cover it
 * ({@link SdsBatches}) → one mega-tile per batch coadded straight onto the grid by the Phase 5
 * engine ({@link MegaTiles}) → the mega-tiles stacked per pixel by the stack core, low-coverage
 * pixels masked ({@link MegaTileStack}) → the same mosaic, coverage and preview files as Classic.
 * No master tiles. A batch that does not reach {@code sds_coverage_threshold} is no mega-tile: its
 * frames are left out and reported; when no batch is valid the run is Classic's
 * ({@link #run} returns null after one {@code [SDS] … falling back to Classic: reason} line).
 * Mega-tiles are written to {@value #WORK_DIR} in the output folder and removed at the end.
 */
public final class SdsMode {
    private SdsMode() {}

    private static final Logger LOG = Logger.getLogger("org.tessera.sds");

    /** Folder of the mega-tiles while a run lasts. */
    public static final String WORK_DIR = "sds_megatiles";

    /** A frame SDS left out, and why. */
    public record Left(Path file, String reason) {}

    /** What an SDS run wrote, the frames it left out, its mega-tiles' batches. */
    public record Outcome(Path mosaic, Path coverage, Path preview, WcsGrid grid, List<Left> left,
                          List<SdsBatches.Batch> batches, long maskedPixels) {
        public Outcome {
            left = List.copyOf(left);
            batches = List.copyOf(batches);
        }
    }

    /** The progress of an SDS run: mega-tiles, their stack, the preview. */
    public record Stages(Progress megaTiles, Progress stack, Progress preview) {}

    /**
     * Runs SDS on {@code frames} (each with a WCS) into {@code outputDir}.
     *
     * @param backend the Phase 5 band coadder (the run's GPU or the CPU)
     * @return the outcome, or null when SDS cannot run and the caller must run Classic (logged)
     */
    public static Outcome run(List<FitsFrame> frames, Path outputDir, Config config, ResourcePlan plan,
                              BandCoadder backend, CoaddFiles.Names names, Stages progress) throws IOException {
        SdsSettings s = SdsSettings.fromConfig(config);
        long t0 = System.nanoTime();
        LOG.info(String.format(Locale.ROOT, "[SDS] mosaic first: %d frame(s); coverage threshold %.2f, batch sizes %d..%d,"
                + " combine %s, keep coverage >= %.2f of its maximum", frames.size(), s.policy().coverageThreshold(),
                s.policy().minBatchSize(), s.policy().targetBatchSize(), s.coadd().describe(), s.minCoverageKeep()));
        List<WcsGrid> footprints = new ArrayList<>();
        for (FitsFrame f : frames) footprints.add(new WcsGrid(f.wcs(), f.width(), f.height()));
        WcsGrid global = SdsGrid.global(footprints, s);
        List<SdsBatches.Batch> batches = SdsBatches.build(footprints, global, s.policy());

        List<SdsBatches.Batch> valid = new ArrayList<>();
        List<Left> left = new ArrayList<>();
        for (int k = 0; k < batches.size(); k++) {
            SdsBatches.Batch b = batches.get(k);
            if (b.coverage() >= s.policy().coverageThreshold()) {
                valid.add(b);
                continue;
            }
            String why = String.format(Locale.ROOT, "SDS batch %d of %d frame(s) covers %.1f%% of the global grid, below"
                    + " sds_coverage_threshold %.2f: no mega-tile", k + 1, b.frames().size(), 100 * b.coverage(),
                    s.policy().coverageThreshold());
            LOG.warning("[SDS] " + why);
            for (int i : b.frames()) left.add(new Left(frames.get(i).path(), why));
        }
        if (valid.isEmpty()) {
            fallBack(String.format(Locale.ROOT, "no batch covers sds_coverage_threshold %.2f of the global grid (best %.1f%%)",
                    s.policy().coverageThreshold(), 100 * batches.stream().mapToDouble(SdsBatches.Batch::coverage).max().orElse(0)));
            return null;
        }

        Path work = outputDir.resolve(WORK_DIR);
        clear(work);
        Files.createDirectories(work);
        try {
            CoaddParams params = CoaddParams.fromConfig(config);
            List<MegaTiles.MegaTile> tiles = new ArrayList<>();
            List<SdsBatches.Batch> used = new ArrayList<>();
            for (int k = 0; k < valid.size(); k++) {
                if (progress.megaTiles().cancelled()) throw new CancellationException(UserMessages.CANCELLED + " during the SDS mega-tiles");
                SdsBatches.Batch b = valid.get(k);
                Progress p = progress.megaTiles().sub(k / (double) valid.size(), (k + 1) / (double) valid.size());
                try {
                    tiles.add(MegaTiles.coadd(k + 1, valid.size(), b, frames, global, params, work, backend, p));
                    used.add(b);
                } catch (IOException | IllegalArgumentException e) {
                    // One batch that fails never takes the others with it: its frames are reported.
                    String why = "SDS batch " + (k + 1) + " failed: " + e.getMessage();
                    LOG.log(Level.WARNING, "[SDS] " + why, e);
                    for (int i : b.frames()) left.add(new Left(frames.get(i).path(), why));
                }
            }
            if (tiles.isEmpty()) {
                fallBack("every batch failed (" + left.get(left.size() - 1).reason() + ")");
                return null;
            }
            MegaTileStack.Written w = MegaTileStack.write(tiles, global, s, outputDir, names, config, plan,
                    progress.stack(), progress.preview());
            LOG.info(String.format(Locale.ROOT, "[SDS] mosaic %dx%d from %d mega-tile(s) of %d frame(s) written in %.1f s: %s",
                    w.grid().width(), w.grid().height(), tiles.size(), used.stream().mapToInt(b -> b.frames().size()).sum(),
                    (System.nanoTime() - t0) / 1e9, w.mosaic()));
            return new Outcome(w.mosaic(), w.coverage(), w.preview(), w.grid(), left, used, w.masked());
        } finally {
            clear(work);
        }
    }

    private static void fallBack(String reason) {
        LOG.warning("[SDS] SDS mode cannot run, falling back to Classic: " + reason);
    }

    /** Removes the mega-tile folder (a run's own, or one an interrupted run left). */
    private static void clear(Path work) {
        if (!Files.isDirectory(work)) return;
        try (Stream<Path> s = Files.walk(work)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warning("[SDS] could not remove " + work + ": " + e.getMessage());
        }
    }
}
