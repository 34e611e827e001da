package org.tessera;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * A phase's warning that names an input the run leaves out, with the reason ({@code [READ] skipped
 * …/a.fits: not a FITS file}, {@code [READ] zero.fit left out: every pixel holds the same value …}).
 * The run's outcome lists the same input among its skipped ones, and every front prints that list
 * when the run ends ({@code command.OutcomeReport.skipped}): a console that showed both named each
 * skipped frame twice. The run log keeps the notice where it happened; a front's console
 * {@link Held holds} it back, so the end list names each skipped input once, and shows what it held
 * before a failure, which ends the run without that list.
 * <p>
 * Only a warning whose input the run always names again on the console may be one: a held notice
 * is never shown on the console of a run that ends. That is the outcome's skipped list for the
 * phases above, and the stack core's {@code [STACK] frame X dropped: …}, whose callers each name
 * the frame once: a master tile's among the skipped inputs ({@code tiles.FrameLosses}), Grid mode's
 * in that list when every tile dropped it, else in its own {@code [GRID] frame X dropped by tile(s)
 * …} line, SDS's mega-tile in its {@code [SDS] mega-tile dropped by the stack} line.
 */
public final class SkipNotice extends LogRecord {
    private static final long serialVersionUID = 1L;

    private SkipNotice(String message) {
        super(Level.WARNING, message);
    }

    /** Logs {@code message} on {@code log} at WARNING, marked as naming an input the outcome lists as skipped. */
    public static void warn(Logger log, String message) {
        if (!log.isLoggable(Level.WARNING)) return;
        SkipNotice r = new SkipNotice(message);
        r.setLoggerName(log.getName()); // the formatters' tag ("[io]"); Logger.log(LogRecord) leaves it to the caller
        log.log(r);
    }

    /**
     * A run stopped because no input was left: every one was skipped, each named by its notice,
     * which the consoles show just before the failure line. The message also names the first (or
     * first few) with the reason: what Fiji's error dialog, the status bar and a macro's last-run
     * record show, which have no other line. The failure line of a console and {@code tessera.log}
     * takes {@link #failureLine} instead: the message without the inputs the notices above named.
     */
    public static final class AllSkipped extends java.io.IOException {
        private static final long serialVersionUID = 1L;
        private final String withoutInputs;

        /** {@code message} names the problem and the first skipped inputs; {@code withoutInputs} only the problem. */
        public AllSkipped(String message, String withoutInputs) {
            super(message);
            this.withoutInputs = withoutInputs;
        }

        /** The problem, without the inputs: what the failure line says of this failure. */
        public String withoutInputs() {
            return withoutInputs;
        }

        /**
         * The text of a front's "failed: …" line for {@code e}: {@link UserMessages#describe}, but
         * for an {@link AllSkipped} the message without the inputs its notices named already.
         */
        public static String failureLine(Throwable e) {
            String described = UserMessages.describe(e);
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause())
                if (t instanceof AllSkipped a && described.equals(a.getMessage())) return a.withoutInputs;
            return described;
        }
    }

    /**
     * What a front's console shows of a run's records: a {@link SkipNotice} is held back (the front's
     * end list names its input); a record at SEVERE (the front's "failed: …") brings the held ones
     * out first, since a failed run prints no list. One per console handler, per run.
     */
    public static final class Held {
        private final List<LogRecord> held = new ArrayList<>();

        /** The records to show now for {@code r}, in order: none, {@code r}, or the held ones and {@code r}. */
        public synchronized List<LogRecord> admit(LogRecord r) {
            if (r instanceof SkipNotice) {
                held.add(r);
                return List.of();
            }
            if (r.getLevel().intValue() < Level.SEVERE.intValue() || held.isEmpty()) return List.of(r);
            List<LogRecord> out = new ArrayList<>(held);
            held.clear();
            out.add(r);
            return out;
        }
    }
}
