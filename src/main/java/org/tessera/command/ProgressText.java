package org.tessera.command;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.tessera.Eta;
import org.tessera.Progress;
import org.tessera.pipeline.ConsoleProgress;

/**
 * What a Fiji front shows for the pipeline's progress: the fraction in per mille and the status
 * line "Tessera: Phase 3: 12/40 bands · ~2 min left", the time left estimated from the fraction
 * and the time since the first report ({@link Eta}). A report is passed on only when the per-mille
 * value or the message changes, so parallel workers do not flood the status bar. Thread-safe.
 */
public final class ProgressText {

    /** One status update: the fraction in [0, 1], its per-mille value and the line to show. */
    public record Line(double fraction, int permille, String text) {}

    private static final int SCALE = 1000;

    /** Without a status bar (ImageJ -batch, headless Fiji): a progress line in the log at most this often. */
    public static final long HEADLESS_INTERVAL_MS = 10_000;

    /**
     * Progress for a run nobody can watch on a status bar: the command line's lines ("45% master
     * tile 3/40  ETA 2m10s") handed to {@code log} at most every {@link #HEADLESS_INTERVAL_MS}, with
     * the first and the last; or nothing when {@code headless} is false (the bar shows it).
     */
    public static Progress headlessLines(boolean headless, Consumer<String> log) {
        return headless ? new ConsoleProgress(log, HEADLESS_INTERVAL_MS) : Progress.NONE;
    }

    private final LongSupplier nanoClock;
    private long startNanos = Long.MIN_VALUE;
    private int lastPermille = -1;
    private String lastMessage;

    public ProgressText() {
        this(System::nanoTime);
    }

    /** For tests: an injected clock in nanoseconds. */
    ProgressText(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** @return the update to show, or null when neither the per-mille value nor the message changed */
    public Line next(double fraction, String message) {
        double f = Double.isNaN(fraction) ? 0 : Math.max(0, Math.min(1, fraction));
        int permille = (int) Math.round(f * SCALE);
        long now = nanoClock.getAsLong();
        synchronized (this) {
            if (startNanos == Long.MIN_VALUE) startNanos = now;
            if (permille == lastPermille && Objects.equals(message, lastMessage)) return null;
            lastPermille = permille;
            lastMessage = message;
        }
        String left = Eta.left(Eta.remainingSeconds(f, (now - startNanos) / 1e9));
        StringBuilder text = new StringBuilder("Tessera: ").append(message == null ? "" : message.strip());
        if (!left.isEmpty()) text.append(" · ").append(left);
        return new Line(f, permille, text.toString());
    }

    /** The per-mille scale of {@link Line#permille()}. */
    public static int scale() {
        return SCALE;
    }
}
