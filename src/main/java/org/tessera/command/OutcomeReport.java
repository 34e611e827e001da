package org.tessera.command;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.tessera.pipeline.MosaicPipeline.Outcome;
import org.tessera.pipeline.MosaicPipeline.Skipped;

/** The lines every front shows after a run: where each output is, and what was skipped. */
public final class OutcomeReport {
    private OutcomeReport() {}

    /** "mosaic:   /out/mosaic.fits" etc., for the outputs the job made; {@code log} is used when the outcome has none. */
    public static List<String> outputs(Outcome o, Path log) {
        List<String> lines = new ArrayList<>();
        List<Outcome> parts = new ArrayList<>(List.of(o));
        parts.addAll(o.more()); // Grid mode's second mount: its mosaic is as much an output as the first
        for (Outcome p : parts) {
            add(lines, "mosaic", p.mosaic());
            add(lines, "coverage", p.coverage());
            add(lines, "preview", p.preview());
        }
        List<Path> tiles = o.masterTiles() == null ? List.of() : o.masterTiles();
        if (tiles.size() == 1 && tiles.get(0) != null) {
            add(lines, "tile", tiles.get(0));
        } else if (!tiles.isEmpty() && tiles.get(0) != null) {
            Map<Path, Integer> perFolder = new LinkedHashMap<>(); // Grid mode's mixed mounts: two tiles/ folders
            for (Path t : tiles) perFolder.merge(t.toAbsolutePath().getParent(), 1, Integer::sum);
            perFolder.forEach((dir, n) -> lines.add(String.format("%-9s %d in %s", "tiles:", n, dir)));
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
