package org.tessera.command;

import org.scijava.app.StatusService;
import org.tessera.Progress;

/**
 * Pipeline progress on Fiji's status bar, with the time left ({@link ProgressText}). Cancelling
 * the command's thread (e.g. {@code future.cancel(true)}) is seen by the pipeline as a cancel request.
 */
final class StatusProgress implements Progress {
    private final StatusService status;
    private final Thread owner;
    private final ProgressText text;

    StatusProgress(StatusService status, Thread owner) {
        this(status, owner, new ProgressText());
    }

    StatusProgress(StatusService status, Thread owner, ProgressText text) {
        this.status = status;
        this.owner = owner;
        this.text = text;
    }

    @Override
    public void update(double fraction, String message) {
        ProgressText.Line line = text.next(fraction, message);
        if (line != null) status.showStatus(line.permille(), ProgressText.scale(), line.text());
    }

    @Override
    public boolean cancelled() {
        return owner.isInterrupted();
    }
}
