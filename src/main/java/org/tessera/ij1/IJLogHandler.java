package org.tessera.ij1;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import ij.IJ;
import org.tessera.command.RunSummaryFilter;
import org.tessera.pipeline.RunLog;

/** The run's summary and warnings ({@link RunSummaryFilter}) in ImageJ's Log window. */
final class IJLogHandler extends Handler {

    /** Each skipped input named once, in the list the plug-in prints at the end. */
    private final org.tessera.SkipNotice.Held held = new org.tessera.SkipNotice.Held();

    IJLogHandler() {
        setLevel(Level.INFO);
        setFilter(new RunSummaryFilter());
        setFormatter(new RunLog.LineFormatter(false));
    }

    @Override
    public void publish(LogRecord r) {
        if (!isLoggable(r)) return;
        for (LogRecord shown : held.admit(r)) IJ.log(getFormatter().format(shown).stripTrailing());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
}
