package org.tessera.command;

import ij.IJ;
import org.scijava.app.StatusService;
import org.tessera.Progress;

/**
 * Pipeline progress on Fiji's status bar, with the time left ({@link ProgressText}), and through
 * {@code lines} where no one sees a status bar (headless Fiji: {@link ProgressText#headlessLines}).
 * Esc in Fiji (ImageJ's {@code IJ.escapePressed()}, which the caller resets when the run starts; in
 * Fiji the menu runs these commands, not the ImageJ 1 plugins) or cancelling the command's thread
 * (e.g. {@code future.cancel(true)}) is seen by the pipeline as a cancel request.
 */
final class StatusProgress implements Progress {
    private final StatusService status;
    private final Thread owner;
    private final ProgressText text;
    private final Progress lines;

    StatusProgress(StatusService status, Thread owner, Progress lines) {
        this.status = status;
        this.owner = owner;
        this.text = new ProgressText();
        this.lines = lines;
    }

    @Override
    public void update(double fraction, String message) {
        lines.update(fraction, message);
        ProgressText.Line line = text.next(fraction, message);
        if (line != null) status.showStatus(line.permille(), ProgressText.scale(), line.text() + " (Esc cancels)");
    }

    @Override
    public boolean cancelled() {
        return owner.isInterrupted() || IJ.escapePressed();
    }
}
