package org.tessera;

/**
 * Where long work reports how far it is. Fractions are of the task at hand; {@link #sub} maps a
 * part of a task onto a range of its parent so that phases compose into one overall bar.
 * Implementations must be thread-safe: parallel workers report through the same instance.
 */
@FunctionalInterface
public interface Progress {

    /** @param fraction in [0, 1] of this task; @param message short status, may be null */
    void update(double fraction, String message);

    /** True once the user asked to stop; long loops check it between bands or tiles. */
    default boolean cancelled() {
        return false;
    }

    /** A child task occupying [from, to] of this one. */
    default Progress sub(double from, double to) {
        Progress parent = this;
        return new Progress() {
            @Override public void update(double f, String m) {
                parent.update(from + (to - from) * Math.max(0, Math.min(1, f)), m);
            }
            @Override public boolean cancelled() { return parent.cancelled(); }
        };
    }

    /**
     * This bar, never moving back: parallel workers finish in any order and their reports race
     * to the bar, so a later report can carry a smaller fraction; it keeps its message and the
     * furthest fraction so far.
     */
    default Progress forwardOnly() {
        Progress parent = this;
        return new Progress() {
            private double furthest = Double.NEGATIVE_INFINITY;

            @Override public synchronized void update(double f, String m) {
                if (f > furthest) furthest = f;
                parent.update(furthest, m);
            }
            @Override public boolean cancelled() { return parent.cancelled(); }
        };
    }

    Progress NONE = (f, m) -> { };
}
