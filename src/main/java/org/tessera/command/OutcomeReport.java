package org.tessera.command;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.tessera.pipeline.MosaicPipeline.Outcome;
import org.tessera.pipeline.MosaicPipeline.Skipped;

/** The lines every front shows after a run: where each output is, and what was skipped. */
public final class OutcomeReport {
    private OutcomeReport() {}

    /** "mosaic:   /out/mosaic.fits" etc., for the outputs the job made; {@code log} is used when the outcome has none. */
    public static List<String> outputs(Outcome o, Path log) {
        List<String> lines = new ArrayList<>();
        add(lines, "mosaic", o.mosaic());
        add(lines, "coverage", o.coverage());
        add(lines, "preview", o.preview());
        List<Path> tiles = o.masterTiles() == null ? List.of() : o.masterTiles();
        if (tiles.size() == 1 && tiles.get(0) != null) {
            add(lines, "tile", tiles.get(0));
        } else if (!tiles.isEmpty() && tiles.get(0) != null) {
            Path dir = tiles.get(0).toAbsolutePath().getParent();
            lines.add(String.format("%-9s %d in %s", "tiles:", tiles.size(), dir));
        }
        add(lines, "log", o.log() != null ? o.log() : log);
        if (lines.isEmpty() || (lines.size() == 1 && o.outputDir() != null)) add(lines, "output", o.outputDir());
        return lines;
    }

    /**
     * The file a stack job wrote: the outcome's mosaic, else its single master tile, else the
     * requested output path (the pipeline writes there by contract).
     */
    public static Path stackedFile(Outcome o, Path requested) {
        if (o.mosaic() != null) return o.mosaic();
        if (o.masterTiles() != null && o.masterTiles().size() == 1) return o.masterTiles().get(0);
        return requested == null ? null : requested.toAbsolutePath();
    }

    /** "FILE: reason" per skipped input. */
    public static List<String> skipped(Outcome o) {
        List<String> lines = new ArrayList<>();
        if (o.skipped() != null) for (Skipped s : o.skipped()) lines.add(s.file() + ": " + s.reason());
        return lines;
    }

    private static void add(List<String> lines, String what, Path p) {
        if (p != null) lines.add(String.format("%-9s %s", what + ":", p.toAbsolutePath()));
    }
}
