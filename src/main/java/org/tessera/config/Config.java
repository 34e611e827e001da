package org.tessera.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The run's settings: the original program's keys and defaults ({@code reference.md} §4, §6, §7,
 * §11), overlaid by a JSON file and by {@code key=value} overrides. Unknown keys are kept (a user's
 * ZeMosaic config carries many), so a config read and written again loses nothing.
 */
public final class Config {

    private final Map<String, Object> values = new LinkedHashMap<>();
    /** Keys set from a file or an override (not defaults), in order: what the run warns about. */
    private final Set<String> given = new LinkedHashSet<>();

    /** The defaults alone. */
    public Config() {
        values.putAll(ConfigKeys.DEFAULTS);
    }

    public Config copy() {
        Config c = new Config();
        c.values.clear();
        c.values.putAll(values);
        c.given.addAll(given);
        return c;
    }

    /** Overlays a JSON object file over the current values. */
    public Config load(Path json) throws IOException {
        // Notepad's byte-order mark, PowerShell's UTF-16: read as written, or the file named if not text
        String text = org.tessera.TextFiles.read(json, "save it as UTF-8");
        Object parsed;
        try {
            parsed = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IOException(json + ": not valid JSON: " + e.getMessage(), e);
        }
        if (!(parsed instanceof Map))
            throw new IOException(json + ": the config must be a JSON object {\"key\": value, ...}");
        @SuppressWarnings("unchecked") Map<String, Object> m = (Map<String, Object>) parsed;
        for (Map.Entry<String, Object> e : m.entrySet()) {
            String wrong = wrongType(e.getKey(), e.getValue());
            if (wrong != null) throw new IOException(json + ": " + wrong);
            try {
                put(e.getKey(), e.getValue());
            } catch (IllegalArgumentException bad) {
                throw new IOException(json + ": " + bad.getMessage(), bad);
            }
        }
        return this;
    }

    /**
     * Why {@code value} cannot be the value of {@code key} (a list or object for a number, true/false
     * or text key; a number or list for a true/false key), or null. Strings are coerced by
     * {@link #put}, which names a bad one.
     */
    private static String wrongType(String key, Object value) {
        Object def = ConfigKeys.DEFAULTS.get(ConfigCompat.canonical(key));
        if (def == null || value == null || value instanceof String) return null;
        if (def instanceof String && value instanceof List) return null; // a pair such as [0.85, 1.18], as the original writes it
        String want = def instanceof Boolean ? "true or false" : def instanceof Number ? "a number" : "text";
        boolean ok = def instanceof Boolean ? value instanceof Boolean || value instanceof Number // 0/1 read as false/true
                : def instanceof Number ? value instanceof Number
                : !(value instanceof Map || value instanceof List);
        return ok ? null : "\"" + key + "\": expected " + want + ", got " + (value instanceof List ? "a list" : value instanceof Map ? "an object" : value.toString());
    }

    /** Applies one {@code key=value} override; the value is typed like the key's default. */
    public Config set(String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) throw new IllegalArgumentException("expected key=value, got '" + assignment + "'");
        String key = assignment.substring(0, eq).trim();
        String raw = assignment.substring(eq + 1).trim();
        put(key, coerce(key, raw));
        return this;
    }

    /**
     * Sets a key (numbers, booleans, strings, lists, maps as parsed from JSON); an alias
     * ({@link ConfigCompat#ALIASES}) is stored under the original's name.
     */
    public Config put(String key, Object value) {
        key = ConfigCompat.canonical(key);
        given.add(key);
        Object def = ConfigKeys.DEFAULTS.get(key);
        if (def != null && value instanceof String s && !(def instanceof String)) value = coerce(key, s);
        values.put(key, value);
        return this;
    }

    private static Object coerce(String key, String raw) {
        key = ConfigCompat.canonical(key);
        Object def = ConfigKeys.DEFAULTS.get(key);
        if (def instanceof Boolean) {
            String r = raw.toLowerCase(Locale.ROOT);
            if (r.equals("true") || r.equals("1") || r.equals("yes") || r.equals("on")) return Boolean.TRUE;
            if (r.equals("false") || r.equals("0") || r.equals("no") || r.equals("off")) return Boolean.FALSE;
            throw new IllegalArgumentException(key + ": expected true/false, got '" + raw + "'");
        }
        if (def instanceof Number) {
            try {
                return Double.parseDouble(raw);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + ": expected a number, got '" + raw + "'" + decimalComma(raw));
            }
        }
        if (def instanceof String) return raw;
        // Unknown key: best guess from the text.
        try {
            return Json.parse(raw);
        } catch (IllegalArgumentException e) {
            return raw;
        }
    }

    public boolean has(String key) { return values.containsKey(key) && values.get(key) != null; }

    public Object get(String key) { return values.get(key); }

    public String getString(String key) {
        Object v = values.get(key);
        return v == null ? null : v.toString();
    }

    public double getDouble(String key) {
        Object v = require(key);
        if (v instanceof Number n) return n.doubleValue();
        try {
            return Double.parseDouble(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("config key " + key + ": expected a number, got '" + v + "'"
                    + decimalComma(v.toString()));
        }
    }

    /**
     * What is wrong with a number written with a comma, else "": a decimal comma ("2,5", as many
     * locales write it: " (a number takes a decimal point, not a comma: 2.5)") or, three digits after
     * it, maybe a thousands separator ("1,000"); the bare "expected a number, got '2,5'" left the
     * reader to spot it.
     */
    static String decimalComma(String raw) {
        String t = raw.trim();
        if (!t.matches("[+-]?\\d*,\\d+")) return "";
        String point = t.replace(',', '.');
        return t.length() - t.indexOf(',') - 1 == 3
                ? " (a number takes no comma: " + t.replace(",", "") + ", or " + point + " with a decimal point)"
                : " (a number takes a decimal point, not a comma: " + point + ")";
    }

    public int getInt(String key) {
        return (int) Math.round(getDouble(key));
    }

    public boolean getBoolean(String key) {
        Object v = require(key);
        if (v instanceof Boolean b) return b;
        if (v instanceof Number n) return n.doubleValue() != 0;
        String s = v.toString().trim().toLowerCase(Locale.ROOT);
        if (s.equals("true") || s.equals("1") || s.equals("yes") || s.equals("on")) return true;
        if (s.equals("false") || s.equals("0") || s.equals("no") || s.equals("off") || s.isEmpty()) return false;
        throw new IllegalArgumentException("config key " + key + ": expected true/false, got '" + v + "'");
    }

    /** A boolean that may be unset (null), for "follow another flag" semantics. */
    public Boolean getOptionalBoolean(String key) {
        return has(key) ? getBoolean(key) : null;
    }

    private Object require(String key) {
        Object v = values.get(key);
        if (v == null) throw new IllegalArgumentException("config key " + key + " is not set");
        return v;
    }

    /** The keys set from a config file or an override (defaults not included), in the order given. */
    public Set<String> givenKeys() {
        return Collections.unmodifiableSet(given);
    }

    /** All keys and values in insertion order (defaults first). */
    public Map<String, Object> asMap() {
        return Collections.unmodifiableMap(values);
    }

    public String toJson() {
        return Json.write(values);
    }

    public void save(Path json) throws IOException {
        Files.writeString(json, toJson() + "\n", StandardCharsets.UTF_8);
    }
}
