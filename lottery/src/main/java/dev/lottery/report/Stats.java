package dev.lottery.report;

import java.util.function.ToDoubleFunction;
import java.util.List;

/** Mean, minimum and maximum over trials (NaN values, e.g. never-converged runs, are left out). */
record Stats(double mean, double min, double max, int count) {
    static <T> Stats of(List<T> items, ToDoubleFunction<T> f) {
        double sum = 0, min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        int n = 0;
        for (T t : items) {
            double v = f.applyAsDouble(t);
            if (Double.isNaN(v)) continue;
            sum += v;
            min = Math.min(min, v);
            max = Math.max(max, v);
            n++;
        }
        return n == 0 ? new Stats(Double.NaN, Double.NaN, Double.NaN, 0) : new Stats(sum / n, min, max, n);
    }
}
