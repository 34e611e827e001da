package org.tessera.command;

import java.util.Set;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * What a run shows in Fiji's Console or ImageJ's Log window: a short summary — the fronts' own
 * lines (what is run, what was made, what was skipped and why, where the log is) — and every
 * warning or error; the phases' detail (about 40 INFO lines per run) stays in {@code tessera.log}.
 */
public final class RunSummaryFilter implements Filter {

    /** The loggers of the fronts, whose INFO lines are the summary. */
    static final Set<String> FRONTS = Set.of("org.tessera.command", "org.tessera.ij1");

    @Override
    public boolean isLoggable(LogRecord r) {
        int level = r.getLevel().intValue();
        return level >= Level.WARNING.intValue()
                || level >= Level.INFO.intValue() && r.getLoggerName() != null && FRONTS.contains(r.getLoggerName());
    }
}
