package org.tessera.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

import org.tessera.Progress;
import org.tessera.fiji.TestMosaics;
import org.tessera.config.Config;
import org.tessera.pipeline.MosaicPipeline.NotApplied;
import org.tessera.pipeline.MosaicPipeline.Outcome;
import org.tessera.pipeline.MosaicPipeline.Skipped;

/**
 * A pipeline stand-in for the fronts' tests: records each call, writes small real images (mosaic,
 * coverage, stacked tile: {@link TestMosaics}) and empty other output files where
 * the real pipeline would, reports progress and logs like a phase, and can skip inputs, report the
 * mosaic's background extraction not applied, or fail.
 */
public class FakeJobs implements Jobs {

    public record Call(Job job, List<Path> inputs, Path output, Config config) {}

    public final List<Call> calls = new ArrayList<>();
    /** Inputs whose file name contains this are reported as skipped, and named as a phase names them ({@link org.tessera.SkipNotice}). */
    public String skipMarker;
    /** When set, the mosaic is reported kept without its final background extraction, for this reason. */
    public String dbeNotApplied;
    /** Thrown by every call when set. */
    public Exception failure;
    /** Run after the first progress report (e.g. a key pressed while the job works); then the job checks for a cancel. */
    public Runnable whileRunning;

    /** A Build Mosaic command of {@code context} writing to {@code output}, its jobs run by this stand-in. */
    public BuildMosaicCommand buildMosaic(org.scijava.Context context, java.io.File output) {
        BuildMosaicCommand c = new BuildMosaicCommand();
        context.inject(c);
        c.jobs = this;
        c.output = output;
        return c;
    }

    @Override
    public Outcome mosaic(List<Path> inputs, Path outputDir, Config config, Progress progress) throws IOException {
        return run(Job.MOSAIC, inputs, outputDir, config, progress);
    }

    @Override
    public Outcome stack(Path output, List<Path> frames, Config config, Progress progress) throws IOException {
        return run(Job.STACK, frames, output, config, progress);
    }

    @Override
    public Outcome reproject(Path outputDir, List<Path> images, Config config, Progress progress) throws IOException {
        return run(Job.REPROJECT, images, outputDir, config, progress);
    }

    private Outcome run(Job job, List<Path> inputs, Path output, Config config, Progress progress) throws IOException {
        calls.add(new Call(job, List.copyOf(inputs), output, config));
        Logger.getLogger("org.tessera.pipeline").fine("[FAKE] debug detail");
        progress.update(0, "[FAKE] start");
        if (whileRunning != null) whileRunning.run();
        if (progress.cancelled()) throw new java.util.concurrent.CancellationException("cancelled by the user during [FAKE]");
        List<Skipped> skipped = new ArrayList<>();
        for (Path p : inputs)
            if (skipMarker != null && p.getFileName().toString().contains(skipMarker)) {
                org.tessera.SkipNotice.warn(Logger.getLogger("org.tessera.io"), "[READ] skipped " + p + ": no WCS in header");
                skipped.add(new Skipped(p, "no WCS in header"));
            }
        if (failure instanceof IOException e) throw e;
        if (failure instanceof RuntimeException e) throw e;
        Outcome o;
        if (job == Job.STACK) {
            Files.createDirectories(output.getParent());
            TestMosaics.write(output, 3);
            o = new Outcome(output.getParent(), null, null, null, List.of(output), skipped, null);
        } else {
            Files.createDirectories(output);
            Path mosaic = TestMosaics.write(output.resolve("mosaic.fits"), 3);
            Path coverage = TestMosaics.write(output.resolve("mosaic_coverage.fits"), 1);
            Path preview = Files.writeString(output.resolve("mosaic_preview.png"), "p");
            List<Path> tiles = new ArrayList<>();
            if (job == Job.MOSAIC) {
                Path dir = Files.createDirectories(output.resolve("master_tiles"));
                tiles.add(Files.writeString(dir.resolve("master_tile_000.fits"), "t"));
                tiles.add(Files.writeString(dir.resolve("master_tile_001.fits"), "t"));
            }
            List<NotApplied> notApplied = dbeNotApplied == null ? List.of()
                    : List.of(new NotApplied(mosaic, "final background extraction (DBE)", dbeNotApplied));
            o = new Outcome(output, mosaic, coverage, preview, tiles, skipped, output.resolve("tessera.log"), List.of(), notApplied);
        }
        progress.update(1, "[FAKE] done");
        return o;
    }
}
