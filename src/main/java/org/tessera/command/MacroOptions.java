package org.tessera.command;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The keys of an ImageJ macro line's options ({@code "input=[/a b] output=/c coverage"}): ImageJ
 * ignores a key no field has, which for Build Mosaic turns a mistyped {@code inpt=[...]} into an
 * empty input, the built-in default sky. Both fronts refuse such a line, naming the key.
 */
public final class MacroOptions {
    private MacroOptions() {}

    /** The keys in {@code options}, in order: {@code key=value}, {@code key=[a b]} and bare words (ticked boxes). */
    public static List<String> keys(String options) {
        List<String> keys = new ArrayList<>();
        int i = 0, n = options.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(options.charAt(i))) i++;
            int start = i;
            while (i < n && !Character.isWhitespace(options.charAt(i)) && options.charAt(i) != '=') i++;
            if (i > start) keys.add(options.substring(start, i));
            if (i < n && options.charAt(i) == '=') {
                i++;
                if (i < n && options.charAt(i) == '[') { // as ImageJ reads it: up to the first ']'
                    int close = options.indexOf(']', i);
                    i = close < 0 ? n : close + 1;
                } else {
                    while (i < n && !Character.isWhitespace(options.charAt(i))) i++;
                }
            }
        }
        return keys;
    }

    /**
     * @throws IllegalArgumentException naming the first key of {@code options} that is not in {@code known}
     *         and the keys {@code command} takes
     */
    public static void check(String options, Collection<String> known, String command) {
        check(options, known, List.of(), command);
    }

    /**
     * As {@link #check(String, Collection, String)}, letting the keys {@code refusedLater} through
     * without listing them among those {@code command} takes (ImageJ 1's {@code image}: a Fiji key
     * refused later with its own reason, which listed would read as one ImageJ 1 takes).
     */
    public static void check(String options, Collection<String> known, Collection<String> refusedLater, String command) {
        for (String k : keys(options))
            if (!known.contains(k) && !refusedLater.contains(k))
                throw new IllegalArgumentException("unknown key '" + k + "' in the macro line; " + command
                        + " takes " + String.join(", ", known));
    }
}
