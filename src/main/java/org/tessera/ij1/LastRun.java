package org.tessera.ij1;

/**
 * The macro API to the last run's results: {@code call("org.tessera.ij1.LastRun.get", "mosaic")}.
 * Both fronts fill the one store, {@link org.tessera.command.LastRun}, whose keys are listed there.
 */
public final class LastRun {
    private LastRun() {}

    /** The value of {@code key} from the last run, or "" when it has none. */
    public static String get(String key) {
        return org.tessera.command.LastRun.get(key);
    }
}
