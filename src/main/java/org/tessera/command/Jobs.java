package org.tessera.command;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.gpu.GpuService;
import org.tessera.pipeline.MosaicPipeline;
import org.tessera.pipeline.MosaicPipeline.Outcome;

/**
 * The pipeline as the fronts see it: the three calls of {@link MosaicPipeline}. Fronts take a
 * {@code Jobs} so that their argument handling can be tested with a fake.
 */
public interface Jobs {

    Outcome mosaic(List<Path> inputs, Path outputDir, Config config, Progress progress) throws IOException;

    Outcome stack(Path output, List<Path> frames, Config config, Progress progress) throws IOException;

    Outcome reproject(Path outputDir, List<Path> images, Config config, Progress progress) throws IOException;

    /** The real pipeline. */
    Jobs PIPELINE = new Jobs() {
        @Override
        public Outcome mosaic(List<Path> inputs, Path outputDir, Config config, Progress progress) throws IOException {
            return MosaicPipeline.mosaic(inputs, outputDir, config, progress);
        }

        @Override
        public Outcome stack(Path output, List<Path> frames, Config config, Progress progress) throws IOException {
            return MosaicPipeline.stack(output, frames, config, progress);
        }

        @Override
        public Outcome reproject(Path outputDir, List<Path> images, Config config, Progress progress) throws IOException {
            return MosaicPipeline.reproject(outputDir, images, config, progress);
        }
    };

    /**
     * The real pipeline on the GPU of {@code gpu} (a Fiji context's service), or {@link #PIPELINE}
     * when {@code jobs} is not the real pipeline (a test's fake) or there is no service.
     */
    static Jobs withGpu(Jobs jobs, GpuService gpu) {
        if (jobs != PIPELINE || gpu == null) return jobs;
        return new Jobs() {
            @Override
            public Outcome mosaic(List<Path> inputs, Path outputDir, Config config, Progress progress) throws IOException {
                return MosaicPipeline.mosaic(inputs, outputDir, config, progress, gpu);
            }

            @Override
            public Outcome stack(Path output, List<Path> frames, Config config, Progress progress) throws IOException {
                return MosaicPipeline.stack(output, frames, config, progress, gpu);
            }

            @Override
            public Outcome reproject(Path outputDir, List<Path> images, Config config, Progress progress) throws IOException {
                return MosaicPipeline.reproject(outputDir, images, config, progress, gpu);
            }
        };
    }
}
