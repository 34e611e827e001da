package org.tessera.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.tessera.Progress;
import org.tessera.config.Config;

/**
 * The one entry point of every front (CLI, Fiji commands, macros, scripts): wires the phases
 * read → group → master tiles → final grid → reproject and coadd → outputs.
 */
public final class MosaicPipeline {
    private MosaicPipeline() {}

    /** An input that was set aside, and why. */
    public record Skipped(Path file, String reason) {}

    /** What a run produced. Paths are null for outputs a job does not make. */
    public record Outcome(Path outputDir, Path mosaic, Path coverage, Path preview, List<Path> masterTiles,
                          List<Skipped> skipped, Path log) {}

    /**
     * Classic mode: frames (files or folders, searched for *.fit, *.fits, *.fts) → mosaic in
     * {@code outputDir}. No input → the built-in synthetic default sky.
     */
    public static Outcome mosaic(List<Path> inputs, Path outputDir, Config config, Progress progress) throws IOException {
        throw new UnsupportedOperationException("wired during integration");
    }

    /** One master tile from frames, on the grid of the central frame. */
    public static Outcome stack(Path output, List<Path> frames, Config config, Progress progress) throws IOException {
        throw new UnsupportedOperationException("wired during integration");
    }

    /** Phase 4 + 5 on any FITS images with a WCS. */
    public static Outcome reproject(Path outputDir, List<Path> images, Config config, Progress progress) throws IOException {
        throw new UnsupportedOperationException("wired during integration");
    }
}
