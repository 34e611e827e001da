package org.tessera.command;

import static org.junit.jupiter.api.Assertions.*;

import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.Test;

/** Fiji's Console and ImageJ's Log get the fronts' summary and every warning, not the phases' detail. */
class RunSummaryFilterTest {

    private static LogRecord record(Level level, String logger) {
        LogRecord r = new LogRecord(level, "m");
        r.setLoggerName(logger);
        return r;
    }

    @Test
    void summaryAndWarningsPassDetailStaysInTheFile() {
        RunSummaryFilter f = new RunSummaryFilter();
        assertTrue(f.isLoggable(record(Level.INFO, "org.tessera.ij1")), "what was run and made (ImageJ 1)");
        assertTrue(f.isLoggable(record(Level.INFO, "org.tessera.command")), "what was run and made (Fiji)");
        assertFalse(f.isLoggable(record(Level.INFO, "org.tessera.tiles")), "[P3] detail");
        assertFalse(f.isLoggable(record(Level.INFO, "org.tessera.reproject")), "[P5] detail");
        assertFalse(f.isLoggable(record(Level.FINE, "org.tessera.ij1")));
        assertTrue(f.isLoggable(record(Level.WARNING, "org.tessera.tiles")), "a phase's warning");
        assertTrue(f.isLoggable(record(Level.SEVERE, "org.tessera.io")));
        assertFalse(f.isLoggable(record(Level.INFO, null)));
    }
}
