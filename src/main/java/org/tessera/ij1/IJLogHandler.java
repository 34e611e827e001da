package org.tessera.ij1;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import ij.IJ;
import org.tessera.command.RunSummaryFilter;
import org.tessera.pipeline.RunLog;

/** The run's summary and warnings ({@link RunSummaryFilter}) in ImageJ's Log window. */
final class IJLogHandler extends Handler {

    IJLogHandler() {
        setLevel(Level.INFO);
        setFilter(new RunSummaryFilter());
        setFormatter(new RunLog.LineFormatter(false));
    }

    @Override
    public void publish(LogRecord r) {
        if (isLoggable(r)) IJ.log(getFormatter().format(r).stripTrailing());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
}
