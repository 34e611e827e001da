package org.tessera;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Test helper, the one way tests read what was logged: the records a logger (and its children)
 * publishes while a {@link Capture} is open, at the logger's own level or down to a chosen one
 * (FINE for the detail that only {@code tessera.log} gets); the level is restored on close.
 */
public final class Logged {
    private Logged() {}

    public interface IORunnable { void run() throws IOException; }

    /** The messages {@code logger} publishes (at its own level) while {@code r} runs. */
    public static List<String> during(String logger, IORunnable r) throws IOException {
        try (Capture c = new Capture(logger, null)) {
            r.run();
            return c.messages();
        }
    }

    /** Records of {@code logger} at {@code level} and above from now until closed. */
    public static Capture capture(String logger, Level level) {
        return new Capture(logger, level);
    }

    /** Records of every {@code org.tessera} logger, FINE and above, from now until closed. */
    public static Capture fine() {
        return capture("org.tessera", Level.FINE);
    }

    /** An open capture of one logger's records. */
    public static final class Capture extends Handler implements AutoCloseable {
        private final Logger logger;
        private final Level previous;
        private final boolean setLevel;
        private final List<LogRecord> records = new ArrayList<>();

        private Capture(String name, Level level) {
            logger = Logger.getLogger(name);
            previous = logger.getLevel();
            setLevel = level != null;
            if (setLevel) logger.setLevel(level);
            setLevel(Level.ALL);
            logger.addHandler(this);
        }

        @Override public synchronized void publish(LogRecord r) { records.add(r); }
        @Override public void flush() { }

        @Override
        public void close() {
            logger.removeHandler(this);
            if (setLevel) logger.setLevel(previous);
        }

        /** Every message so far, in order. */
        public synchronized List<String> messages() {
            List<String> m = new ArrayList<>();
            for (LogRecord r : records) m.add(r.getMessage());
            return m;
        }

        /** The messages logged at exactly {@code level}. */
        public synchronized List<String> messages(Level level) {
            List<String> m = new ArrayList<>();
            for (LogRecord r : at(level)) m.add(r.getMessage());
            return m;
        }

        /** The records logged at exactly {@code level}. */
        public synchronized List<LogRecord> at(Level level) {
            List<LogRecord> m = new ArrayList<>();
            for (LogRecord r : records) if (r.getLevel().equals(level)) m.add(r);
            return m;
        }

        /** The messages that start with {@code prefix}. */
        public synchronized List<String> starting(String prefix) {
            List<String> m = new ArrayList<>();
            for (LogRecord r : records) if (r.getMessage() != null && r.getMessage().startsWith(prefix)) m.add(r.getMessage());
            return m;
        }

        /** Whether a message at exactly {@code level} contains {@code text}. */
        public synchronized boolean has(Level level, String text) {
            for (String m : messages(level)) if (m != null && m.contains(text)) return true;
            return false;
        }
    }
}
