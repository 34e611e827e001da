package org.tessera.pipeline;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.tessera.Eta;
import org.tessera.Progress;

/**
 * Progress for a terminal: one line "percent message ETA" at most every two seconds, plus the
 * first report and the one that reaches 100 %. The ETA extrapolates the elapsed time linearly over
 * the overall fraction, so it is only as good as the phase shares (pipeline.WorkBar) behind that fraction.
 * Thread-safe: parallel workers may report through one instance. The same lines can go to any
 * sink at any interval ({@link #ConsoleProgress(Consumer, long)}): the Fiji fronts log them when
 * there is no status bar to show progress on (ImageJ -batch, headless Fiji).
 */
public final class ConsoleProgress implements Progress {

    /** Default minimum time between two lines. */
    public static final long DEFAULT_INTERVAL_MS = 2000;

    private final Consumer<String> out;
    private final boolean quiet;
    private final LongSupplier nanoClock;
    private final long intervalNanos;

    private long startNanos = Long.MIN_VALUE;
    private long lastPrintNanos;
    private boolean finished;

    /** Prints to {@code out}; a quiet instance prints nothing (the run stays cancellable). */
    public ConsoleProgress(PrintStream out, boolean quiet) {
        this(out, quiet, System::nanoTime, TimeUnit.MILLISECONDS.toNanos(DEFAULT_INTERVAL_MS));
    }

    /** The same lines handed to {@code lines}, at most one every {@code intervalMs} (plus the first and 100 %). */
    public ConsoleProgress(Consumer<String> lines, long intervalMs) {
        this(lines, false, System::nanoTime, TimeUnit.MILLISECONDS.toNanos(intervalMs));
    }

    /** For tests: an injected clock (nanoseconds) and interval. */
    ConsoleProgress(PrintStream out, boolean quiet, LongSupplier nanoClock, long intervalNanos) {
        this(line -> {
            out.println(line);
            out.flush();
        }, quiet, nanoClock, intervalNanos);
    }

    /** For tests: any sink, an injected clock (nanoseconds) and interval. */
    ConsoleProgress(Consumer<String> out, boolean quiet, LongSupplier nanoClock, long intervalNanos) {
        this.out = out;
        this.quiet = quiet;
        this.nanoClock = nanoClock;
        this.intervalNanos = intervalNanos;
    }

    @Override
    public void update(double fraction, String message) {
        if (quiet) return;
        double f = Double.isNaN(fraction) ? 0 : Math.max(0, Math.min(1, fraction));
        String line;
        synchronized (this) {
            long now = nanoClock.getAsLong();
            boolean first = startNanos == Long.MIN_VALUE;
            if (first) startNanos = now;
            boolean done = f >= 1;
            if (done) {
                if (finished) return;
                finished = true;
            } else {
                finished = false; // a new task may report through the same instance
                if (!first && now - lastPrintNanos < intervalNanos) return;
            }
            lastPrintNanos = now;
            line = format(f, message, now - startNanos);
            out.accept(line); // in order: under the lock, so lines from parallel workers never swap
        }
    }

    static String format(double f, String message, long elapsedNanos) {
        StringBuilder sb = new StringBuilder(80);
        sb.append(String.format(Locale.ROOT, "%3d%%", (int) Math.floor(f * 100)));
        if (message != null && !message.isBlank()) sb.append(' ').append(message.strip());
        double elapsedS = elapsedNanos / 1e9;
        if (f >= 1) {
            sb.append("  (done in ").append(duration(elapsedS)).append(')');
        } else {
            double left = Eta.remainingSeconds(f, elapsedS);
            if (!Double.isNaN(left)) sb.append("  ETA ").append(duration(left));
        }
        return sb.toString();
    }

    /** 5s, 1m05s, 2h03m. */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) return s + "s";
        if (s < 3600) return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }
}
