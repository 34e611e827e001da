package org.tessera;

/**
 * Time left from the overall progress fraction and the time elapsed: the elapsed time extrapolated
 * linearly over the fraction, so only as good as the phase shares (pipeline.WorkBar) behind it. One estimate for
 * every front (terminal, Fiji status bar, ImageJ status line).
 */
public final class Eta {
    private Eta() {}

    /** Below this fraction or elapsed time the estimate is noise: none is given. */
    static final double MIN_FRACTION = 0.01;
    static final double MIN_ELAPSED_S = 1;

    /** @return seconds left, or NaN while too little is done (or when done) to say */
    public static double remainingSeconds(double fraction, double elapsedSeconds) {
        if (!(fraction >= MIN_FRACTION) || fraction >= 1 || elapsedSeconds < MIN_ELAPSED_S) return Double.NaN;
        return elapsedSeconds * (1 - fraction) / fraction;
    }

    /**
     * For a status line: "~40 s left" (tens of seconds), "~2 min left", "~1 h 05 min left",
     * "a few seconds left" under 10 s; "" when {@code seconds} is NaN. Minutes are rounded up, so
     * the line never promises less than the estimate.
     */
    public static String left(double seconds) {
        if (Double.isNaN(seconds)) return "";
        if (seconds < 10) return "a few seconds left";
        if (seconds < 60) return "~" + Math.round(seconds / 10) * 10 + " s left";
        long min = (long) Math.ceil(seconds / 60);
        if (min < 90) return "~" + min + " min left";
        return String.format(java.util.Locale.ROOT, "~%d h %02d min left", min / 60, min % 60);
    }
}
