package org.tessera.command;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The keys of an ImageJ macro line's options ({@code "input=[/a b] output=/c coverage"}): ImageJ
 * ignores a key no field has, which for Build Mosaic turns a mistyped {@code inpt=[...]} into an
 * empty input, the built-in default sky. Both fronts refuse such a line, naming the key (and, where it
 * follows an unbracketed value, the line as meant: a path with spaces in brackets), and a key given twice.
 */
public final class MacroOptions {
    private MacroOptions() {}

    /** One {@code key=value}, {@code key=[a b]} or bare word of an options string, as written. */
    private record Token(String key, String text, boolean bareValue) {}

    /** The keys in {@code options}, in order: {@code key=value}, {@code key=[a b]} and bare words (ticked boxes). */
    public static List<String> keys(String options) {
        return tokens(options).stream().map(Token::key).toList();
    }

    private static List<Token> tokens(String options) {
        List<Token> tokens = new ArrayList<>();
        int i = 0, n = options.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(options.charAt(i))) i++;
            int start = i;
            while (i < n && !Character.isWhitespace(options.charAt(i)) && options.charAt(i) != '=') i++;
            String key = options.substring(start, i);
            boolean bare = false;
            if (i < n && options.charAt(i) == '=') {
                i++;
                if (i < n && options.charAt(i) == '[') { // as ImageJ reads it: up to the first ']'
                    int close = options.indexOf(']', i);
                    i = close < 0 ? n : close + 1;
                } else {
                    bare = true;
                    while (i < n && !Character.isWhitespace(options.charAt(i))) i++;
                }
            }
            if (!key.isEmpty()) tokens.add(new Token(key, options.substring(start, i), bare));
        }
        return tokens;
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
     * refused later with its own reason, which listed would read as one ImageJ 1 takes). A key given
     * twice is refused too: ImageJ reads the first, so a line built by adding {@code input=[...]} to
     * options that had one already ran on the first input, silently.
     */
    public static void check(String options, Collection<String> known, Collection<String> refusedLater, String command) {
        List<Token> tokens = tokens(options);
        Set<String> seen = new HashSet<>();
        for (int t = 0; t < tokens.size(); t++) {
            String k = tokens.get(t).key();
            if (!known.contains(k) && !refusedLater.contains(k))
                throw new IllegalArgumentException("unknown key '" + k + "' in the macro line; " + command
                        + " takes " + String.join(", ", known) + bracketHint(tokens, t, known));
            if (!seen.add(k))
                throw new IllegalArgumentException("key '" + k + "' given twice in the macro line (ImageJ would take"
                        + " the first and ignore the other); give it once");
        }
    }

    /**
     * A path with a space written without brackets ({@code input=/data/my frames}) ends the value at the
     * space, and its rest reads as an unknown key ({@code frames}): the line as it was meant, with the
     * value in brackets, up to the next known key; "" when the unknown key does not follow a value.
     */
    private static String bracketHint(List<Token> tokens, int unknown, Collection<String> known) {
        if (unknown == 0 || !tokens.get(unknown - 1).bareValue()) return "";
        Token value = tokens.get(unknown - 1);
        StringBuilder meant = new StringBuilder(value.text().substring(0, value.key().length() + 1)).append('[')
                .append(value.text().substring(value.key().length() + 1));
        for (int t = unknown; t < tokens.size() && !known.contains(tokens.get(t).key()); t++)
            meant.append(' ').append(tokens.get(t).text());
        return "; if '" + tokens.get(unknown).key() + "' is part of the value before it (a path with spaces),"
                + " put that value in brackets: " + meant.append(']');
    }
}
