package org.tessera.ij1;

import ij.IJ;
import org.tessera.Progress;
import org.tessera.command.ProgressText;

/** Progress on ImageJ's progress bar and status line, with the time left; Esc asks the pipeline to stop. */
final class IJProgress implements Progress {
    private final ProgressText text = new ProgressText();

    @Override
    public void update(double fraction, String message) {
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
