package org.tessera.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Checks every documented setting against the values its key allows ({@link ConfigKeys.Key#allowed})
 * and the few rules that tie two keys together, before a run does any work: a typo in
 * {@code reproject_kernel} must not cost the user the hours of Phase 3 first. Unknown keys are not
 * checked (a ZeMosaic config carries many); unset optional keys (null) are accepted.
 */
public final class ConfigValidator {
    private ConfigValidator() {}

    /**
     * The check of a setting whose values a package above this one parses ({@code gpu_simulate}:
     * the GPU package's grammar; config may not depend on it). Handed to {@link #validate(Config, List)}
     * so that the one parser checks it before any work, in the same message as every other setting.
     */
    @FunctionalInterface
    public interface Check {
        /** Null when the setting is accepted (or unset); else one line naming the key, the bad part and what is accepted. */
        String problem(Config config);
    }

    /** Every problem of {@code config}, one line each: the key, the value and what is allowed. */
    public static List<String> problems(Config config) {
        return problems(config, List.of());
    }

    /** {@link #problems(Config)}, then the lines of the {@code more} checks. */
    public static List<String> problems(Config config, List<Check> more) {
        List<String> out = new ArrayList<>();
        for (ConfigKeys.Key k : ConfigKeys.KEYS) {
            Object v = config.get(k.name());
            if (v == null) {
                if (k.defaultValue() != null) out.add(k.name() + " is not set (allowed: " + k.allowed().describe() + ")");
                continue;
            }
            String why = k.allowed().check(v);
            if (why != null) out.add(line(k.name(), v, why));
        }
        // Rules across keys.
        if (out.isEmpty()) {
            double lo = config.getDouble("preview_png_p_low"), hi = config.getDouble("preview_png_p_high");
            if (!(lo < hi))
                out.add(line("preview_png_p_low", config.get("preview_png_p_low"),
                        "a percentile below preview_png_p_high (" + shown(config.get("preview_png_p_high")) + ")"));
        }
        for (Check c : more) {
            String why = c.problem(config);
            if (why != null) out.add(why);
        }
        return out;
    }

    /**
     * Throws one {@link IllegalArgumentException} naming every invalid setting; does nothing
     * when all are valid.
     */
    public static void validate(Config config) {
        validate(config, List.of());
    }

    /** {@link #validate(Config)} with the {@code more} checks of packages above this one. */
    public static void validate(Config config, List<Check> more) {
        List<String> p = problems(config, more);
        if (p.isEmpty()) return;
        throw new IllegalArgumentException((p.size() == 1 ? "invalid setting: " : "invalid settings: ")
                + String.join("; ", p) + " (nothing was run; see the key table in docs/user-guide.md)");
    }

    private static String line(String key, Object value, String allowed) {
        return key + " = " + shown(value) + " (allowed: " + allowed + ")";
    }

    /** A value as the user typed it: text quoted, 3.0 as 3. */
    private static String shown(Object value) {
        if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) return String.format(Locale.ROOT, "%d", d.longValue());
        return value instanceof String s ? "'" + s + "'" : String.valueOf(value);
    }
}
