package org.tessera.config;

import java.util.List;
import java.util.Locale;

/**
 * The values a config key accepts, declared beside the key in {@link ConfigKeys} so that one
 * validator ({@link ConfigValidator}) checks every setting before a run starts. {@link #check}
 * answers null for an accepted value, else what is allowed, in words a user can act on.
 */
public interface Allowed {

    /** Null when {@code value} is accepted; else the allowed values, e.g. "a number > 0". */
    String check(Object value);

    /** The allowed values, for the key table. */
    String describe();

    /**
     * One value for every way of writing the same accepted one (the run manifest compares settings
     * by it, so that a rerun with MHC for mhc, or yes for true, reuses its tiles); the value itself
     * by default.
     */
    default Object canonical(Object value) {
        return value;
    }

    /** Anything (free text, or a key checked elsewhere). */
    Allowed ANY = new Allowed() {
        @Override public String check(Object value) { return null; }
        @Override public String describe() { return "any"; }
    };

    /** true or false. */
    Allowed BOOLEAN = new Allowed() {
        @Override public String check(Object value) {
            if (value instanceof Boolean) return null;
            if (value instanceof Number n && (n.doubleValue() == 0 || n.doubleValue() == 1)) return null;
            String s = String.valueOf(value).trim().toLowerCase(Locale.ROOT);
            return List.of("true", "false", "1", "0", "yes", "no", "on", "off").contains(s) ? null : describe();
        }
        @Override public String describe() { return "true or false"; }
        @Override public Object canonical(Object value) {
            if (value instanceof Number n) return n.doubleValue() != 0;
            String s = String.valueOf(value).trim().toLowerCase(Locale.ROOT);
            return List.of("true", "1", "yes", "on").contains(s) ? Boolean.TRUE
                    : List.of("false", "0", "no", "off").contains(s) ? Boolean.FALSE : value;
        }
    };

    /**
     * One of {@code names} (case-insensitive); {@code aliases} are accepted too but not listed.
     */
    static Allowed choices(List<String> names, List<String> aliases) {
        return new Allowed() {
            @Override public String check(Object value) {
                String s = String.valueOf(value).trim().toLowerCase(Locale.ROOT);
                return names.contains(s) || aliases.contains(s) ? null : describe();
            }
            @Override public String describe() { return "one of " + String.join(" | ", names); }
            @Override public Object canonical(Object value) { // case and blanks ignored, as check does
                String s = String.valueOf(value).trim().toLowerCase(Locale.ROOT);
                return names.contains(s) || aliases.contains(s) ? s : value;
            }
        };
    }

    static Allowed choices(String... names) {
        return choices(List.of(names), List.of());
    }

    /**
     * A number in a range; {@code integer}: a whole number. Open bounds are exclusive (a kappa of
     * 0 rejects everything), NaN is never accepted.
     */
    static Allowed range(double min, boolean minOpen, double max, boolean maxOpen, boolean integer) {
        return new Allowed() {
            @Override public String check(Object value) {
                double v;
                if (value instanceof Number n) v = n.doubleValue();
                else {
                    try {
                        v = Double.parseDouble(String.valueOf(value).trim());
                    } catch (NumberFormatException e) {
                        return describe();
                    }
                }
                boolean ok = !Double.isNaN(v) && (minOpen ? v > min : v >= min) && (maxOpen ? v < max : v <= max)
                        && (!integer || v == Math.rint(v));
                return ok ? null : describe();
            }
            @Override public String describe() {
                String kind = integer ? "a whole number" : "a number";
                boolean lo = min != Double.NEGATIVE_INFINITY, hi = max != Double.POSITIVE_INFINITY;
                if (lo && hi) return kind + " in " + (minOpen ? "(" : "[") + num(min) + ", " + num(max) + (maxOpen ? ")" : "]");
                if (lo) return kind + (minOpen ? " > " : " >= ") + num(min);
                if (hi) return kind + (maxOpen ? " < " : " <= ") + num(max);
                return kind;
            }
        };
    }

    /**
     * Two numbers "low,high" (or a JSON list [low, high]) within [min, max], low below high
     * ({@code strict}) or at most high: the pairs Phase 5 reads, checked before any work as every
     * other setting (before, a bad pair stopped the run in Phase 5, after the master tiles).
     */
    static Allowed pair(double min, boolean minOpen, double max, boolean strict) {
        return new Allowed() {
            @Override public String check(Object value) {
                double[] p = parsePair(value);
                boolean ok = p != null && (minOpen ? p[0] > min : p[0] >= min) && p[1] <= max
                        && (strict ? p[0] < p[1] : p[0] <= p[1]);
                return ok ? null : describe();
            }
            @Override public String describe() {
                String lo = num(min) + (minOpen ? " < " : " <= ") + "low " + (strict ? "< " : "<= ") + "high";
                return "a pair \"low,high\" with " + lo + (max == Double.POSITIVE_INFINITY ? "" : " <= " + num(max));
            }
        };
    }

    /** [low, high] from a JSON list of two numbers or a text "low,high" ("[a, b]", "a;b", "a b"); null if neither. */
    static double[] parsePair(Object value) {
        try {
            double[] p;
            if (value instanceof List<?> l) {
                if (l.size() != 2) return null;
                p = new double[] {((Number) l.get(0)).doubleValue(), ((Number) l.get(1)).doubleValue()};
            } else {
                String[] t = String.valueOf(value).replaceAll("[\\[\\]()]", "").trim().split("[,;\\s]+");
                if (t.length != 2) return null;
                p = new double[] {Double.parseDouble(t[0]), Double.parseDouble(t[1])};
            }
            return Double.isFinite(p[0]) && Double.isFinite(p[1]) ? p : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** A number &gt;= min (closed), optionally whole. */
    static Allowed atLeast(double min, boolean integer) {
        return range(min, false, Double.POSITIVE_INFINITY, false, integer);
    }

    /** A number &gt; 0. */
    static Allowed positive() {
        return range(0, true, Double.POSITIVE_INFINITY, false, false);
    }

    private static String num(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
