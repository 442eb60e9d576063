package dev.lottery.nn.train;

import java.util.Locale;
import java.util.Map;

/**
 * Writes a {@link TrainingResult} as JSON (hand-written: a fixed, small schema; NaN becomes null). Readers such
 * as NumPy/pandas or the report command read it back.
 */
public final class ResultJson {
    private ResultJson() {}

    /**
     * A run's result and the settings it ran with as a JSON document (what {@code train --out} writes).
     *
     * @param r        the result; its series becomes one array per column ({@code iteration}, {@code test_loss}, ...)
     * @param settings names and values written as JSON strings under {@code settings}, in the map's iteration order
     * @return the document, two-space indented and ending in a newline
     */
    public static String toJson(TrainingResult r, Map<String, String> settings) {
        StringBuilder b = new StringBuilder(256 + r.series().size() * 96);
        b.append("{\n  \"settings\": {");
        boolean first = true;
        for (Map.Entry<String, String> e : settings.entrySet()) {
            b.append(first ? "\n" : ",\n").append("    ").append(quote(e.getKey())).append(": ").append(quote(e.getValue()));
            first = false;
        }
        b.append(first ? "},\n" : "\n  },\n");
        b.append("  \"iterations\": ").append(r.iterations()).append(",\n");
        b.append("  \"seconds\": ").append(num(r.seconds())).append(",\n");
        b.append("  \"final_test_accuracy\": ").append(num(r.finalTestAccuracy())).append(",\n");
        b.append("  \"best_test_accuracy\": ").append(num(r.bestTestAccuracy())).append(",\n");
        b.append("  \"early_stop\": ").append(point(r.earlyStop())).append(",\n");
        b.append("  \"minimum_loss\": ").append(point(r.minimumLoss())).append(",\n");
        b.append("  \"series\": {\n");
        b.append("    \"iteration\": [").append(join(r, 0)).append("],\n");
        b.append("    \"test_loss\": [").append(join(r, 1)).append("],\n");
        b.append("    \"test_accuracy\": [").append(join(r, 2)).append("],\n");
        b.append("    \"validation_loss\": [").append(join(r, 3)).append("],\n");
        b.append("    \"validation_accuracy\": [").append(join(r, 4)).append("]\n");
        b.append("  }\n}\n");
        return b.toString();
    }

    private static String join(TrainingResult r, int column) {
        StringBuilder b = new StringBuilder();
        for (EvalPoint e : r.series()) {
            if (!b.isEmpty()) b.append(", ");
            b.append(switch (column) {
                case 0 -> Long.toString(e.iteration());
                case 1 -> num(e.testLoss());
                case 2 -> num(e.testAccuracy());
                case 3 -> num(e.validationLoss());
                default -> num(e.validationAccuracy());
            });
        }
        return b.toString();
    }

    private static String point(Convergence.Point p) {
        return p == null ? "null" : "{\"iteration\": " + p.iteration() + ", \"test_accuracy\": " + num(p.testAccuracy()) + "}";
    }

    static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return "null";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return String.format(Locale.ROOT, "%.6g", v).replaceFirst("(\\.\\d*?)0+(e|$)", "$1$2").replaceFirst("\\.(e|$)", "$1");
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }
}
