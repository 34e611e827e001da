package org.tessera.command;

import org.tessera.UserMessages;

/** Turns a failure into one line a user can act on: the file and the problem, no stack trace. */
public final class Errors {
    private Errors() {}

    /** One line for a failure; the wording lives in {@link UserMessages}. */
    public static String describe(Throwable e) {
        return UserMessages.describe(e);
    }

    /**
     * The text of a front's "failed: …" log line: {@link #describe}, without the inputs a run that
     * skipped them all named already just above it ({@link org.tessera.SkipNotice.AllSkipped}); the
     * error dialog, the status bar and the last-run record take {@link #describe}.
     */
    public static String logLine(Throwable e) {
        return org.tessera.SkipNotice.AllSkipped.failureLine(e);
    }
}
