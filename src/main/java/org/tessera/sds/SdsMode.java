package org.tessera.sds;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.tessera.Progress;
import org.tessera.UserMessages;
import org.tessera.config.Config;
import org.tessera.io.FitsFrame;
import org.tessera.plan.ResourcePlan;
import org.tessera.reproject.BandCoadder;
import org.tessera.reproject.CoaddFiles;
import org.tessera.reproject.CoaddParams;
import org.tessera.reproject.MosaicProvenance;
import org.tessera.wcs.WcsGrid;

/**
 * SDS mode (the original's "ZeSupaDupStack", mosaic first; reference.md §0, docs/user-guide.md):
 * the placed frames of Phase 1 → the global grid ({@link SdsGrid}) → batches that each cover it
 * ({@link SdsBatches}) → one mega-tile per batch coadded straight onto the grid by the Phase 5
 * engine ({@link MegaTiles}) → the mega-tiles stacked per pixel by the stack core, low-coverage
 * pixels masked ({@link MegaTileStack}) → the same mosaic, coverage and preview files as Classic,
 * with the observation cards of the frames in it ({@link MosaicProvenance#ofFrames}).
 * No master tiles. A batch that does not reach {@code sds_coverage_threshold} is no mega-tile: its
 * frames are left out and reported; when no batch is valid the run is Classic's
 * ({@link #plan} returns null after one {@code [SDS] … falling back to Classic: reason} line).
 * The mega-tiles are kept in {@value #WORK_DIR} in the output folder, like Classic's master tiles:
 * a rerun takes the ones its {@link Store} (the run manifest) says are finished and still valid,
 * makes the others, and always stacks them again.
 */
public final class SdsMode {
    private SdsMode() {}

    private static final Logger LOG = Logger.getLogger("org.tessera.sds");

    /** Folder of the mega-tiles. */
    public static final String WORK_DIR = "sds_megatiles";

    /** A frame SDS left out, and why. */
    public record Left(Path file, String reason) {}

    /**
     * What an SDS run wrote, the frames it left out, its mega-tiles' batches; {@code backgroundWarning}:
     * null, or why the mosaic was kept without its final background extraction
     * ({@link org.tessera.reproject.CoaddBackground#warning()}).
     */
    public record Outcome(Path mosaic, Path coverage, Path preview, WcsGrid grid, List<Left> left,
                          List<SdsBatches.Batch> batches, long maskedPixels, String backgroundWarning) {
        public Outcome {
            left = List.copyOf(left);
            batches = List.copyOf(batches);
        }
    }

    /** The progress of an SDS run: mega-tiles, their stack, the preview. */
    public record Stages(Progress megaTiles, Progress stack, Progress preview) {}

    /**
     * What an SDS run will make: its settings, the global grid and the valid batches (mega-tile
     * {@code k + 1} is batch {@code batches.get(k)}), the frames of the batches below the coverage
     * threshold with the reason.
     */
    public record Plan(List<FitsFrame> frames, SdsSettings settings, WcsGrid global, List<SdsBatches.Batch> batches,
                       List<Left> left) {
        public Plan {
            frames = List.copyOf(frames);
            batches = List.copyOf(batches);
            left = List.copyOf(left);
        }

        /** The frames of mega-tile {@code id} (1-based), in order. */
        public List<FitsFrame> framesOf(int id) {
            List<FitsFrame> out = new ArrayList<>();
            for (int i : batches.get(id - 1).frames()) out.add(frames.get(i));
            return out;
        }

        /** The files of mega-tile {@code id} in {@value #WORK_DIR}: the image, then its coverage. */
        public static List<String> files(int id) {
            return MegaTiles.files(id);
        }
    }

    /**
     * Where the finished mega-tiles are kept between runs (the run manifest of package pipeline):
     * which ones an earlier run left finished and valid, and each new one as it is complete.
     */
    public interface Store {
        /** Whether mega-tile {@code id} of an earlier run is valid for this run (its files are there). */
        boolean reused(int id);

        /** Mega-tile {@code id}'s files are complete. */
        void done(int id) throws IOException;
    }

    /**
     * The global grid and the batches of {@code frames} (each with a WCS).
     *
     * @return the plan, or null when SDS cannot run and the caller must run Classic (logged)
     */
    public static Plan plan(List<FitsFrame> frames, Config config) {
        SdsSettings s = SdsSettings.fromConfig(config);
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
        return new Plan(frames, s, global, valid, left);
    }

    /**
     * Runs {@code plan} into {@code outputDir}: the mega-tiles {@code store} does not have are
     * made, then all are stacked.
     *
     * @param backend the Phase 5 band coadder (the run's GPU or the CPU)
     * @return the outcome, or null when every batch failed and the caller must run Classic (logged)
     */
    public static Outcome run(Plan plan, Path outputDir, Config config, ResourcePlan resources, BandCoadder backend,
                              CoaddFiles.Names names, Stages progress, Store store) throws IOException {
        long t0 = System.nanoTime();
        SdsSettings s = plan.settings();
        WcsGrid global = plan.global();
        List<SdsBatches.Batch> valid = plan.batches();
        List<Left> left = new ArrayList<>(plan.left());
        Path work = Files.createDirectories(outputDir.resolve(WORK_DIR));
        CoaddParams params = CoaddParams.fromConfig(config);
        List<MegaTiles.MegaTile> tiles = new ArrayList<>();
        List<SdsBatches.Batch> used = new ArrayList<>();
        for (int k = 0; k < valid.size(); k++) {
            if (progress.megaTiles().cancelled()) throw new CancellationException(UserMessages.CANCELLED + " during the SDS mega-tiles");
            SdsBatches.Batch b = valid.get(k);
            int id = k + 1;
            Progress p = titled(progress.megaTiles().sub(k / (double) valid.size(), id / (double) valid.size()),
                    "mega-tile " + id + "/" + valid.size() + ": ");
            try {
                MegaTiles.MegaTile t;
                if (store.reused(id)) {
                    t = MegaTiles.open(id, b, global, work);
                } else {
                    t = MegaTiles.coadd(id, valid.size(), b, plan.frames(), global, params, work, backend, p);
                    store.done(id);
                }
                tiles.add(t);
                used.add(b);
                p.update(1, "done");
            } catch (IOException | IllegalArgumentException e) {
                // A full disk is the run's failure: the later batches would fail at their writes, and
                // the Classic fallback after them wrote master tiles instead of the SDS mosaic asked for
                if (UserMessages.isDiskFull(e)) throw e;
                // One batch that fails never takes the others with it: its frames are reported.
                String why = "SDS batch " + id + " failed: " + UserMessages.describe(e);
                LOG.log(Level.WARNING, "[SDS] " + why, e);
                for (int i : b.frames()) left.add(new Left(plan.frames().get(i).path(), why));
            }
        }
        if (tiles.isEmpty()) {
            fallBack("every batch failed (" + left.get(left.size() - 1).reason() + ")");
            return null;
        }
        // The observation cards of the frames in the mosaic, as a Classic mosaic of the same frames has them;
        // frames of other exposures: EXPTIME the one the mega-tiles were put on, as Classic's says its unit.
        List<FitsFrame> inMosaic = new ArrayList<>();
        for (SdsBatches.Batch b : used) for (int i : b.frames()) inMosaic.add(plan.frames().get(i));
        MegaTileStack.Exposures exposures = MegaTileStack.exposures(tiles);
        MosaicProvenance about = MosaicProvenance.ofFrames(inMosaic);
        if (Double.isNaN(MosaicProvenance.commonExposure(inMosaic))) about = about.inUnitOf(exposures.unit());
        MegaTileStack.Written w = MegaTileStack.write(tiles, exposures, global, s, outputDir, names, config, resources,
                about, progress.stack(), progress.preview());
        LOG.info(String.format(Locale.ROOT, "[SDS] mosaic %dx%d from %d mega-tile(s) of %d frame(s) written in %.1f s: %s",
                w.grid().width(), w.grid().height(), tiles.size(), used.stream().mapToInt(b -> b.frames().size()).sum(),
                (System.nanoTime() - t0) / 1e9, w.mosaic()));
        return new Outcome(w.mosaic(), w.coverage(), w.preview(), w.grid(), left, used, w.masked(), w.warning());
    }

    private static void fallBack(String reason) {
        LOG.warning("[SDS] SDS mode cannot run, falling back to Classic: " + reason);
    }

    /**
     * {@code p} with its messages headed by {@code title}: a batch's coadd says "[P5] band 4/11",
     * which on the bar, before SDS's own Phase 5, told nothing of which mega-tile was being made.
     */
    static Progress titled(Progress p, String title) {
        return new Progress() {
            @Override public void update(double f, String m) { p.update(f, title + m); }
            @Override public boolean cancelled() { return p.cancelled(); }
        };
    }
}
