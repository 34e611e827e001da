package org.tessera.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON reader and writer for config files and the run manifest (objects, arrays, strings,
 * numbers, booleans, null). Numbers are read as {@code Double}.
 */
public final class Json {
    private Json() {}

    public static Object parse(String text) {
        Parser p = new Parser(text);
        p.ws();
        Object v = p.value();
        p.ws();
        if (p.i != text.length()) throw p.error("trailing characters");
        return v;
    }

    public static String write(Object v) {
        StringBuilder sb = new StringBuilder();
        write(v, sb, 0);
        return sb.toString();
    }

    private static void write(Object v, StringBuilder sb, int indent) {
        if (v == null) sb.append("null");
        else if (v instanceof Boolean) sb.append(v);
        else if (v instanceof Double || v instanceof Float) {
            // Keep floating values floating ("3.0", not "3") so a saved config reads back the same.
            double d = ((Number) v).doubleValue();
            sb.append(Double.isFinite(d) ? Double.toString(d) : "null");
        } else if (v instanceof Number n) sb.append(n.longValue()); else if (v instanceof Map<?, ?> m) {
            sb.append("{");
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                sb.append(first ? "\n" : ",\n").append("  ".repeat(indent + 1));
                quote(e.getKey().toString(), sb);
                sb.append(": ");
                write(e.getValue(), sb, indent + 1);
                first = false;
            }
            sb.append(first ? "}" : "\n" + "  ".repeat(indent) + "}");
        } else if (v instanceof List<?> l) {
            sb.append("[");
            for (int k = 0; k < l.size(); k++) {
                if (k > 0) sb.append(", ");
                write(l.get(k), sb, indent + 1);
            }
            sb.append("]");
        } else quote(v.toString(), sb);
    }

    private static void quote(String s, StringBuilder sb) {
        sb.append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
            }
        }
        sb.append('"');
    }

    private static final class Parser {
        final String s;
        int i;

        Parser(String s) { this.s = s; }

        IllegalArgumentException error(String what) {
            return error(what, i);
        }

        /** "WHAT at line N", N the line of the character at {@code at}. */
        IllegalArgumentException error(String what, int at) {
            return new IllegalArgumentException(what + " at line " + line(at));
        }

        int line(int at) {
            int line = 1;
            for (int k = 0; k < Math.min(at, s.length()); k++) if (s.charAt(k) == '\n') line++;
            return line;
        }

        /**
         * The failure of a text that ends inside an object or array: which bracket is missing and
         * where its opening one stands (a file cut short, or its last brace forgotten).
         */
        IllegalArgumentException unclosed(char close, int opened) {
            return new IllegalArgumentException("the text ends before the '" + close + "' that closes the "
                    + (close == '}' ? "object" : "array") + " opened at line " + line(opened));
        }

        /** At the closing bracket after a comma: JSON has no comma after the last entry (JavaScript and Python have). */
        void noTrailingComma(char close, int comma) {
            if (i < s.length() && s.charAt(i) == close)
                throw error("a comma before '" + close + "': JSON allows no comma after the last "
                        + (close == '}' ? "entry" : "value") + "; remove it", comma);
        }

        void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        }

        Object value() {
            if (i >= s.length()) throw error("unexpected end");
            char c = s.charAt(i);
            switch (c) {
                case '{': return object();
                case '[': return array();
                case '"': return string();
                case '\'': throw error("a string in single quotes: JSON takes double quotes (\"text\")");
                case 't': return literal("true", Boolean.TRUE);
                case 'f': return literal("false", Boolean.FALSE);
                case 'n': return literal("null", null);
                default: return number();
            }
        }

        Object literal(String word, Object v) {
            if (!s.startsWith(word, i)) throw error("unexpected token");
            i += word.length();
            return v;
        }

        Map<String, Object> object() {
            Map<String, Object> m = new LinkedHashMap<>();
            int opened = i++;
            ws();
            if (i < s.length() && s.charAt(i) == '}') { i++; return m; }
            while (true) {
                ws();
                if (i >= s.length()) throw unclosed('}', opened);
                if (s.charAt(i) == '\'') throw error("a key in single quotes: JSON takes double quotes (\"key\")");
                if (s.charAt(i) != '"') throw error("expected a key");
                String k = string();
                ws();
                if (i >= s.length()) throw unclosed('}', opened);
                if (s.charAt(i) != ':') throw error("expected ':'");
                i++;
                ws();
                if (i >= s.length()) throw unclosed('}', opened);
                m.put(k, value());
                ws();
                if (i >= s.length()) throw unclosed('}', opened);
                int at = i;
                char c = s.charAt(i++);
                if (c == '}') return m;
                if (c != ',') throw error("expected ',' or '}'");
                ws();
                noTrailingComma('}', at);
            }
        }

        List<Object> array() {
            List<Object> l = new ArrayList<>();
            int opened = i++;
            ws();
            if (i < s.length() && s.charAt(i) == ']') { i++; return l; }
            while (true) {
                ws();
                if (i >= s.length()) throw unclosed(']', opened);
                l.add(value());
                ws();
                if (i >= s.length()) throw unclosed(']', opened);
                int at = i;
                char c = s.charAt(i++);
                if (c == ']') return l;
                if (c != ',') throw error("expected ',' or ']'");
                ws();
                noTrailingComma(']', at);
            }
        }

        String string() {
            StringBuilder sb = new StringBuilder();
            i++;
            while (i < s.length()) {
                char c = s.charAt(i++);
                if (c == '"') return sb.toString();
                if (c == '\\') {
                    if (i >= s.length()) break;
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n': sb.append('\n'); break;
                        case 't': sb.append('\t'); break;
                        case 'r': sb.append('\r'); break;
                        case 'b': sb.append('\b'); break;
                        case 'f': sb.append('\f'); break;
                        case 'u':
                            if (i + 4 > s.length()) throw error("bad escape");
                            sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                            break;
                        default: sb.append(e);
                    }
                } else sb.append(c);
            }
            throw error("unterminated string");
        }

        Number number() {
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
            if (start == i) throw error("unexpected character '" + s.charAt(i) + "'");
            String t = s.substring(start, i);
            try {
                if (t.matches("-?\\d+") && t.length() < 18) return Long.parseLong(t);
                return Double.parseDouble(t);
            } catch (NumberFormatException e) {
                throw error("bad number '" + t + "'");
            }
        }
    }
}
