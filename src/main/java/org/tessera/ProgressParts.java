package org.tessera;

import java.util.Arrays;

/**
 * One bar shared among parts that run at once (tiles on a pool of workers, a cluster's tasks),
 * each by its weight, the work it is expected to take: the bar is {@code Σ wₖ·fₖ / Σ wₖ}, where
 * {@code fₖ} is how far part k reported itself (never less than before). With every worker busy
 * each running part adds {@code wₖ·dfₖ/dt ≈} the same work per second, so the bar moves with the
 * wall time however unequal the parts; by count, a tile of 50 frames would move it as far as a
 * tile of 5.
 */
public final class ProgressParts {

    private final Progress bar;
    private final double[] weight, done;
    private final double total;

    /** {@code weights}: one per part, ≥ 0; all 0 (or none positive) counts every part alike. */
    public ProgressParts(Progress bar, double[] weights) {
        this.bar = bar;
        double sum = 0;
        for (double w : weights) sum += w > 0 && Double.isFinite(w) ? w : 0;
        weight = new double[weights.length];
        for (int k = 0; k < weights.length; k++)
            weight[k] = sum > 0 ? (weights[k] > 0 && Double.isFinite(weights[k]) ? weights[k] : 0) : 1;
        total = sum > 0 ? sum : weights.length;
        done = new double[weights.length];
    }

    /** {@code n} parts of equal weight. */
    public static ProgressParts equal(Progress bar, int n) {
        double[] w = new double[n];
        Arrays.fill(w, 1);
        return new ProgressParts(bar, w);
    }

    public int size() {
        return weight.length;
    }

    /** The bar all parts move. */
    public Progress bar() {
        return bar;
    }

    public boolean cancelled() {
        return bar.cancelled();
    }

    /**
     * Records that part k is {@code fraction} done (never less than before) and moves the bar to
     * the weighted total, with {@code message}.
     */
    public void update(int k, double fraction, String message) {
        synchronized (done) { // reports of two parts reach the bar in the order of their totals
            bar.update(record(k, fraction), message);
        }
    }

    /** Part k as a progress of its own (its fraction moves the bar by its weight; cancelling reaches it). */
    public Progress part(int k) {
        return new Progress() {
            @Override public void update(double fraction, String message) {
                ProgressParts.this.update(k, fraction, message);
            }
            @Override public boolean cancelled() {
                return bar.cancelled();
            }
        };
    }

    /** The weighted total after part k's report (under the lock of {@code done}). */
    private double record(int k, double fraction) {
        done[k] = Math.max(done[k], Math.min(1, Math.max(0, fraction)));
        double sum = 0;
        for (int i = 0; i < done.length; i++) sum += weight[i] * done[i];
        return Math.min(1, sum / total);
    }
}
