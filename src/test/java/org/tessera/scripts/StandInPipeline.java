package org.tessera.scripts;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.tessera.Progress;
import org.tessera.command.FakeJobs;
import org.tessera.config.Config;
import org.tessera.pipeline.MosaicPipeline.Outcome;

/**
 * MosaicPipeline's static API over a {@link FakeJobs}, so that a test can run the example scripts
 * to their end (progress, run log, outcome, outputs) without the real pipeline.
 */
public final class StandInPipeline {
    private StandInPipeline() {}

    public static final FakeJobs JOBS = new FakeJobs();

    public static Outcome mosaic(List<Path> inputs, Path outputDir, Config config, Progress progress) throws IOException {
        return JOBS.mosaic(inputs, outputDir, config, progress);
    }

    public static Outcome stack(Path output, List<Path> frames, Config config, Progress progress) throws IOException {
        return JOBS.stack(output, frames, config, progress);
    }

    public static Outcome reproject(Path outputDir, List<Path> images, Config config, Progress progress) throws IOException {
        return JOBS.reproject(outputDir, images, config, progress);
    }
}
