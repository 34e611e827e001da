package org.tessera.ij1;

import java.util.Objects;

import ij.IJ;
import org.tessera.Progress;

/** Progress on ImageJ's progress bar and status line; Esc asks the pipeline to stop. */
final class IJProgress implements Progress {
    private int lastPermille = -1;
    private String lastMessage;

    @Override
    public void update(double fraction, String message) {
        double f = Double.isNaN(fraction) ? 0 : Math.max(0, Math.min(1, fraction));
        int permille = (int) Math.round(f * 1000);
        synchronized (this) {
            if (permille == lastPermille && Objects.equals(message, lastMessage)) return;
            lastPermille = permille;
            lastMessage = message;
        }
        IJ.showProgress(f);
        IJ.showStatus("Tessera: " + (message == null ? "" : message));
    }

    @Override
    public boolean cancelled() {
        return IJ.escapePressed();
    }
}
