package org.tessera.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.tessera.config.Config;
import org.tessera.config.ConfigCompat;
import org.tessera.config.ConfigKeys;
import org.tessera.pipeline.MosaicPipeline;

/**
 * Builds a run's {@link Config} the same way in every front: defaults, then the JSON config file,
 * then the drop-down {@link Choices}, then the free {@code key=value} settings (last, so the most
 * explicit wins).
 */
public final class JobSettings {
    private JobSettings() {}

    /**
     * Why an option that takes one value cannot take two: both named, so a script's default and the
     * value meant to replace it are both seen (every front says it so; the same value twice is
     * accepted, {@link #samePath}).
     */
    public static String givenTwice(String option, String first, String second) {
        return option + " given twice ('" + first + "' and '" + second + "'): give it once";
    }

    /** The output folder named by OUTPUT_DIR and by {@code --output}, differently. */
    public static String outputGivenTwice(String positional, String option) {
        return "output folder given twice (OUTPUT_DIR '" + positional + "' and --output '" + option + "'): give it once";
    }

    /** {@code a} and {@code b} name one path ({@code out}, {@code out/} and {@code ./out}), seen from the current folder. */
    public static boolean samePath(Path a, Path b) {
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }

    /**
     * Splits a free settings text into assignments: pairs are separated by white space (new lines
     * included) or ';'; double quotes group a value with spaces ({@code object="M 13"}).
     */
    public static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        if (text == null) return out;
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && (Character.isWhitespace(c) || c == ';')) {
                if (cur.length() > 0) out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (quoted) throw new IllegalArgumentException("settings: unbalanced double quote in '" + text + "'");
        if (cur.length() > 0) out.add(cur.toString());
        return out;
    }

    /**
     * @param configFile JSON file or null
     * @param choices choice name → value (see {@link Choices}); null values are skipped
     * @param assignments {@code key=value} overrides, applied last
     * @throws IOException when the config file is missing or unreadable (the message names it)
     * @throws IllegalArgumentException for a malformed or mistyped assignment or choice
     */
    public static Config build(Path configFile, Map<String, String> choices, List<String> assignments) throws IOException {
        Config config = new Config();
        if (configFile != null) {
            if (Files.isDirectory(configFile))
                throw new IOException("config file expected, but " + configFile + " is a folder: name the JSON file in it");
            if (!Files.isRegularFile(configFile))
                throw new IOException("config file not found: " + configFile + JobRequest.tildeHint(configFile));
            config.load(configFile);
        }
        for (Map.Entry<String, String> e : choices.entrySet()) Choices.apply(config, e.getKey(), e.getValue());
        for (String a : assignments) {
            // named by its field: a macro's settings=[stacking_kappa_low] said only "expected key=value"
            if (a.indexOf('=') <= 0)
                throw new IllegalArgumentException("settings: expected key=value, got '" + a + "' (e.g. stacking_kappa_low=2.5)");
            config.set(a);
        }
        MosaicPipeline.validate(config); // before the run creates anything (gpu_simulate included)
        return config;
    }

    /**
     * The first key that two of {@code assignments} give different values, as "KEY given twice with
     * different values ('A' and 'B')", the values as written; null when none. Each front refuses it
     * in its own words (the command line's {@code --set}, the menus' {@code settings} field): the
     * last one won silently, so a script's default could override the value its user added, or the
     * other way round. The same value twice is no conflict (scripts that append options repeat
     * them): an alias is its key, and values that mean the same are one value ({@code 3} and
     * {@code 3.0} of a number, {@code MHC} and {@code mhc} of a choice, {@code yes} and
     * {@code true}: {@link ConfigKeys#canonicalText}).
     */
    public static String repeatedKey(List<String> assignments) {
        Map<String, String> seen = new java.util.HashMap<>();
        for (String a : assignments) {
            int eq = a.indexOf('=');
            if (eq <= 0) continue; // not an assignment: build names it
            String key = ConfigCompat.canonical(a.substring(0, eq).trim());
            String before = seen.putIfAbsent(key, a);
            if (before != null && !value(before, key).equals(value(a, key)))
                return key + " given twice with different values ('" + before.substring(before.indexOf('=') + 1).trim()
                        + "' and '" + a.substring(eq + 1).trim() + "')";
        }
        return null;
    }

    /** The value {@code assignment} gives {@code key}, as the run would take it; as written when it cannot be typed (the run says why). */
    private static String value(String assignment, String key) {
        try {
            return ConfigKeys.canonicalText(key, new Config().set(assignment).get(key));
        } catch (RuntimeException e) {
            return assignment.substring(assignment.indexOf('=') + 1).trim();
        }
    }

    /**
     * Keys among the assignments that no documented key matches: kept (a ZeMosaic config carries
     * many), but a typo would otherwise pass silently, so fronts warn about them.
     */
    public static List<String> unknownKeys(List<String> assignments) {
        List<String> unknown = new ArrayList<>();
        for (String a : assignments) {
            int eq = a.indexOf('=');
            String key = (eq < 0 ? a : a.substring(0, eq)).trim();
            if (!ConfigCompat.known(key)) unknown.add(key);
        }
        return unknown;
    }

    /**
     * The run's config warnings: every unknown key given (config file or assignments), one line
     * each, then one line listing the given keys that have no effect in Tessera ({@link ConfigCompat#warnings}).
     */
    public static List<String> warnings(Config config) {
        return ConfigCompat.warnings(config);
    }

    /** One warning line per unknown key among the assignments. */
    public static List<String> unknownKeyWarnings(List<String> assignments) {
        List<String> out = new ArrayList<>();
        for (String k : unknownKeys(assignments))
            out.add(ConfigCompat.unknownKey(k));
        return out;
    }
}
