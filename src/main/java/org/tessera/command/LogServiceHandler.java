package org.tessera.command;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

import org.scijava.log.LogService;

/**
 * Forwards the run's summary and warnings ({@link RunSummaryFilter}) to SciJava's log (Fiji's Console),
 * each skipped input once: in the list the command prints at the end ({@link org.tessera.SkipNotice.Held}).
 */
final class LogServiceHandler extends Handler {
    private final LogService log;
    private final org.tessera.SkipNotice.Held held = new org.tessera.SkipNotice.Held();

    LogServiceHandler(LogService log) {
        this.log = log;
        setLevel(Level.INFO);
        setFilter(new RunSummaryFilter());
        setFormatter(new SimpleFormatter()); // only formatMessage is used
    }

    @Override
    public void publish(LogRecord r) {
        if (!isLoggable(r)) return;
        for (LogRecord shown : held.admit(r)) forward(shown);
    }

    private void forward(LogRecord r) {
        String name = r.getLoggerName() == null ? "-" : r.getLoggerName().substring(r.getLoggerName().lastIndexOf('.') + 1);
        String msg = "[" + name + "] " + getFormatter().formatMessage(r);
        int level = r.getLevel().intValue();
        Throwable t = r.getThrown();
        // Expected failures (a missing file, a bad value) read best as one line; the run log has the trace.
        if (t instanceof java.io.IOException || t instanceof java.io.UncheckedIOException
                || t instanceof IllegalArgumentException) t = null;
        if (level >= Level.SEVERE.intValue()) log.error(msg, t);
        else if (level >= Level.WARNING.intValue()) log.warn(msg, t);
        else if (level >= Level.INFO.intValue()) log.info(msg, t);
        else log.debug(msg, t);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
}
