package org.tessera.command;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.tessera.pipeline.MosaicPipeline.Outcome;

/**
 * What the last Tessera run from a menu or macro produced (ImageJ 1 plugin or SciJava command),
 * for macros, which cannot read a plugin's results otherwise:
 * {@code mosaic = call("org.tessera.ij1.LastRun.get", "mosaic");} (that name is the documented
 * macro API; it reads this store).
 *
 * <p>Keys: {@code status} (ok, failed, cancelled, or empty before any run), {@code error}, {@code output},
 * {@code mosaic}, {@code coverage}, {@code preview}, {@code tile} (stack), {@code tiles} (count of
 * master tiles), {@code skipped} (count), {@code skipped_list} (FILE: reason, one per line),
 * {@code not_applied} (count of steps not applied to an output that was kept: the final background
 * extraction after it failed), {@code not_applied_list} (OUTPUT: STEP not applied, reason, one per
 * line), {@code log}.
 */
public final class LastRun {
    private LastRun() {}

    private static final Map<String, String> VALUES = new LinkedHashMap<>();

    /** The value of {@code key} from the last run, or "" when it has none. */
    public static synchronized String get(String key) {
        String v = VALUES.get(key);
        return v == null ? "" : v;
    }

    public static synchronized void clear() {
        VALUES.clear();
    }

    public static synchronized void succeeded(Outcome o, Path requestedOutput, Path log, boolean stack) {
        VALUES.clear();
        VALUES.put("status", "ok");
        put("output", o.outputDir() != null ? o.outputDir() : requestedOutput);
        put("mosaic", o.mosaic());
        put("coverage", o.coverage());
        put("preview", o.preview());
        if (stack) put("tile", OutcomeReport.stackedFile(o, requestedOutput));
        VALUES.put("tiles", String.valueOf(o.masterTiles() == null ? 0 : o.masterTiles().size()));
        List<String> skipped = OutcomeReport.skipped(o);
        VALUES.put("skipped", String.valueOf(skipped.size()));
        VALUES.put("skipped_list", String.join("\n", skipped));
        List<String> notApplied = OutcomeReport.notApplied(o);
        VALUES.put("not_applied", String.valueOf(notApplied.size()));
        VALUES.put("not_applied_list", String.join("\n", notApplied));
        put("log", o.log() != null ? o.log() : log);
    }

    public static synchronized void failed(String message) {
        VALUES.clear();
        VALUES.put("status", "failed");
        VALUES.put("error", message);
    }

    /** The user stopped the run: status "cancelled", error the words the fronts show. */
    public static synchronized void cancelled(String message) {
        VALUES.clear();
        VALUES.put("status", "cancelled");
        VALUES.put("error", message);
    }

    private static void put(String key, Path p) {
        if (p != null) VALUES.put(key, p.toAbsolutePath().toString());
    }
}
