package dev.lottery.bench.cuda;

import java.util.Locale;

/** One JSON object on one line, built field by field in order: the GPU benchmarks' output format. */
final class JsonLine {
    private final StringBuilder s = new StringBuilder("{");

    /** A string field. */
    JsonLine text(String key, String value) {
        return raw(key, quote(value));
    }

    /** A string field, left out when {@code value} is null. */
    JsonLine textIfPresent(String key, String value) {
        return value == null ? this : text(key, value);
    }

    JsonLine number(String key, long value) {
        return raw(key, Long.toString(value));
    }

    /** A rate with one decimal; NaN ("not measured") is {@code null}. */
    JsonLine rate(String key, double value) {
        return raw(key, Double.isNaN(value) ? "null" : String.format(Locale.ROOT, "%.1f", value));
    }

    /** A field whose value is already JSON (a number, a boolean). */
    JsonLine raw(String key, String json) {
        if (s.length() > 1) s.append(", ");
        s.append(quote(key)).append(": ").append(json);
        return this;
    }

    @Override
    public String toString() {
        return s + "}";
    }

    /** A JSON string literal (quotes, backslashes and control characters escaped). */
    static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> {
                    if (c < 0x20) out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        return out.append('"').toString();
    }
}
