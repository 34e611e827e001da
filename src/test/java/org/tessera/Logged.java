package org.tessera;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Test helper: the messages a logger publishes (at its own level) while some work runs. */
public final class Logged {
    private Logged() {}

    public interface IORunnable { void run() throws IOException; }

    public static List<String> during(String logger, IORunnable r) throws IOException {
        Logger log = Logger.getLogger(logger);
        List<String> out = Collections.synchronizedList(new ArrayList<>());
        Handler h = new Handler() {
            @Override public void publish(LogRecord rec) { out.add(rec.getMessage()); }
            @Override public void flush() { }
            @Override public void close() { }
        };
        log.addHandler(h);
        try {
            r.run();
        } finally {
            log.removeHandler(h);
        }
        return out;
    }
}
