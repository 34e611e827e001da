package org.tessera.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.tessera.Progress;

/**
 * A {@link Progress} that records every report with the time it came, so that a test can compare
 * the bar with the share of the run's wall time spent so far (what the ETA extrapolates).
 */
final class ProgressTrace implements Progress {

    /** One report: the overall fraction, seconds since the run began, the message. */
    record Tick(double fraction, double seconds, String message) {}

    private final List<Tick> ticks = new ArrayList<>();
    private final long start = System.nanoTime();
    private double end = Double.NaN;

    @Override
    public synchronized void update(double fraction, String message) {
        ticks.add(new Tick(fraction, (System.nanoTime() - start) / 1e9, message));
    }

    /** Call when the run returned: its wall time. */
    synchronized void finish() {
        end = (System.nanoTime() - start) / 1e9;
    }

    synchronized List<Tick> ticks() {
        return List.copyOf(ticks);
    }

    synchronized double seconds() {
        return end;
    }

    /** A phase boundary: the bar's fraction and the share of the wall time since the first report. */
    record Boundary(String message, double fraction, double share) {
        @Override public String toString() {
            return String.format(Locale.ROOT, "%s %.3f/%.3f", message, fraction, share);
        }
    }

    /**
     * The reports that end a phase, by the messages the pipeline gives there: the frames read
     * (Phase 1), "grouped" (Phase 2), "final grid" (after the master tiles, Phase 4), the first
     * report after the coadd (writing) and the last one; each master or Grid tile's end (the first
     * report counting it, "master tile k/n", "grid tile k/n"), and in Grid mode "N Grid tile(s)
     * stacked" instead of Phases 2 and 4.
     */
    synchronized List<Boundary> boundaries() {
        List<Boundary> out = new ArrayList<>();
        double t0 = ticks.get(0).seconds();
        String[] ends = {"\\d+ frame\\(s\\)( placed)?", "grouped", "\\d+ Grid tile\\(s\\) stacked", "final grid", "preview"};
        java.util.regex.Pattern tile = java.util.regex.Pattern.compile("(?:grid|master) tile (\\d+)/\\d+");
        int k = 0, tiles = 0;
        for (Tick t : ticks) {
            String m = t.message() == null ? "" : t.message();
            java.util.regex.Matcher tm = tile.matcher(m);
            if (tm.matches() && Integer.parseInt(tm.group(1)) > tiles) {
                tiles = Integer.parseInt(tm.group(1));
                out.add(new Boundary(m, t.fraction(), (t.seconds() - t0) / (end - t0)));
            }
            for (int e = k; e < ends.length; e++) {
                if (m.matches(ends[e])) {
                    out.add(new Boundary(m, t.fraction(), (t.seconds() - t0) / (end - t0)));
                    k = e + 1;
                    break;
                }
            }
        }
        Tick last = ticks.get(ticks.size() - 1);
        out.add(new Boundary("end", last.fraction(), (last.seconds() - t0) / (end - t0)));
        return out;
    }

    /** The largest |fraction − share of the wall time spent| over every report. */
    synchronized double worstGap() {
        double worst = 0;
        for (Tick t : ticks) worst = Math.max(worst, Math.abs(t.fraction() - t.seconds() / end));
        return worst;
    }

    /** The report where that gap is largest, for the failure message. */
    synchronized String describe() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "run %.2f s:", end));
        String last = null;
        for (Tick t : ticks) {
            String m = t.message() == null ? "" : t.message();
            if (m.equals(last)) continue; // one line per message: the first report of each
            last = m;
            sb.append(String.format(Locale.ROOT, "%n  %5.1f%% at %5.1f%% of the time  %s", 100 * t.fraction(),
                    100 * t.seconds() / end, m));
        }
        return sb.toString();
    }
}
