package org.tessera.ij1;

import ij.IJ;
import org.tessera.Progress;
import org.tessera.command.ProgressText;

/**
 * Progress on ImageJ's progress bar and status line, with the time left; Esc asks the pipeline to
 * stop. Where there is no ImageJ window (ImageJ -batch, headless Fiji) nobody sees a bar: {@code lines}
 * then logs the progress ({@link ProgressText#headlessLines}).
 */
final class IJProgress implements Progress {
    private final ProgressText text = new ProgressText();
    private final Progress lines;

    IJProgress(Progress lines) {
        this.lines = lines;
    }

    @Override
    public void update(double fraction, String message) {
        lines.update(fraction, message);
        ProgressText.Line line = text.next(fraction, message);
        if (line == null) return;
        IJ.showProgress(line.fraction());
        IJ.showStatus(line.text() + " (Esc cancels)");
    }

    @Override
    public boolean cancelled() {
        return IJ.escapePressed();
    }
}
