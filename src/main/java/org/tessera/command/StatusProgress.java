package org.tessera.command;

import java.util.Objects;

import org.scijava.app.StatusService;
import org.tessera.Progress;

/**
 * Pipeline progress on Fiji's status bar. Reports are forwarded only when the per-mille value or
 * the message changes, so parallel workers do not flood the event bus. Cancelling the command's
 * thread (e.g. {@code future.cancel(true)}) is seen by the pipeline as a cancel request.
 */
final class StatusProgress implements Progress {
    private static final int SCALE = 1000;

    private final StatusService status;
    private final Thread owner;
    private int lastPermille = -1;
    private String lastMessage;

    StatusProgress(StatusService status, Thread owner) {
        this.status = status;
        this.owner = owner;
    }

    @Override
    public void update(double fraction, String message) {
        double f = Double.isNaN(fraction) ? 0 : Math.max(0, Math.min(1, fraction));
        int permille = (int) Math.round(f * SCALE);
        synchronized (this) {
            if (permille == lastPermille && Objects.equals(message, lastMessage)) return;
            lastPermille = permille;
            lastMessage = message;
        }
        status.showStatus(permille, SCALE, "Tessera: " + (message == null ? "" : message));
    }

    @Override
    public boolean cancelled() {
        return owner.isInterrupted();
    }
}
