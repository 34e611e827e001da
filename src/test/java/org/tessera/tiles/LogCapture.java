package org.tessera.tiles;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects what the "org.tessera.tiles" logger emits (FINE and above) during a test. */
final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger = Logger.getLogger("org.tessera.tiles");
    private final Level previous;
    private final List<LogRecord> records = new ArrayList<>();

    LogCapture() {
        previous = logger.getLevel();
        logger.setLevel(Level.FINE);
        setLevel(Level.ALL);
        logger.addHandler(this);
    }

    @Override public synchronized void publish(LogRecord r) { records.add(r); }
    @Override public void flush() { }

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setLevel(previous);
    }

    synchronized List<String> messages(Level level) {
        List<String> out = new ArrayList<>();
        for (LogRecord r : records) if (r.getLevel().equals(level)) out.add(r.getMessage());
        return out;
    }

    synchronized boolean has(Level level, String text) {
        for (String m : messages(level)) if (m.contains(text)) return true;
        return false;
    }
}
