package org.tessera.command;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import org.tessera.pipeline.MosaicPipeline.NotApplied;
import org.tessera.pipeline.MosaicPipeline.Outcome;
import org.tessera.pipeline.MosaicPipeline.Skipped;

/**
 * The lines every front shows after a run: where each output is, what was skipped, which step was
 * not applied to an output that was kept, and the closing summary of both.
 */
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

    /**
     * "OUTPUT: STEP not applied, reason" per step left out of an output that was kept, e.g.
     * "/out/mosaic.fits: final background extraction (DBE) not applied, the background fit failed:
     * out of memory; the mosaic was kept without it".
     */
    public static List<String> notApplied(Outcome o) {
        List<String> lines = new ArrayList<>();
        for (NotApplied n : o.notApplied()) lines.add(notApplied(String.valueOf(n.output()), n.step(), n.reason()));
        return lines;
    }

    /** One step left out of an output, as {@link #notApplied(Outcome)} words it (the Spark front names outputs by URI). */
    public static String notApplied(String output, String step, String reason) {
        return output + ": " + step + " not applied, " + reason;
    }

    /**
     * The closing lines of a run that left something out, each a warning: "2 input(s) skipped; see
     * above and LOG", "1 step not applied: final background extraction (DBE); see above and LOG".
     * None for a complete run. The command line exits 1 when there is one.
     */
    public static List<String> summary(Outcome o, Path log) {
        List<String> steps = new ArrayList<>();
        for (NotApplied n : o.notApplied()) steps.add(n.step());
        return summary(o.skipped() == null ? 0 : o.skipped().size(), steps, String.valueOf(log));
    }

    /** {@link #summary(Outcome, Path)} from the counts: skipped inputs, the steps not applied (one per output). */
    public static List<String> summary(int skipped, List<String> stepsNotApplied, String log) {
        List<String> lines = new ArrayList<>();
        if (skipped > 0) lines.add(skipped + " input(s) skipped; see above and " + log);
        int n = stepsNotApplied.size();
        if (n > 0) // the same step of two mosaics (Grid mode, two mounts) is named once
            lines.add(n + (n == 1 ? " step" : " steps") + " not applied: " + String.join(", ", new LinkedHashSet<>(stepsNotApplied))
                    + "; see above and " + log);
        return lines;
    }

    /** "2 input(s) skipped, 1 step not applied" for a status line; "" for a complete run. */
    public static String counts(Outcome o) {
        List<String> parts = new ArrayList<>();
        int skipped = o.skipped() == null ? 0 : o.skipped().size(), n = o.notApplied().size();
        if (skipped > 0) parts.add(skipped + " input(s) skipped");
        if (n > 0) parts.add(n + (n == 1 ? " step" : " steps") + " not applied");
        return String.join(", ", parts);
    }

    private static void add(List<String> lines, String what, Path p) {
        if (p != null) lines.add(String.format("%-9s %s", what + ":", p.toAbsolutePath()));
    }
}
