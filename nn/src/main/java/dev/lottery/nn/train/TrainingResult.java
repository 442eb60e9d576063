package dev.lottery.nn.train;

import java.util.List;

/**
 * What a training run measured: the evaluation series, the paper's convergence points, final and best test
 * accuracy, and the wall time.
 *
 * @param earlyStop   null when the early-stop criterion was never met
 */
public record TrainingResult(List<EvalPoint> series, Convergence.Point earlyStop, Convergence.Point minimumLoss,
                             double finalTestAccuracy, double bestTestAccuracy, long iterations, double seconds) {
    /** Copies the series. */
    public TrainingResult {
        series = List.copyOf(series);
    }

    /**
     * The result of a run with evaluation series {@code series}: convergence points, final and best accuracy computed
     * from it.
     */
    public static TrainingResult of(List<EvalPoint> series, long iterations, double seconds) {
        double best = series.stream().mapToDouble(EvalPoint::testAccuracy).max().orElse(Double.NaN);
        double last = series.isEmpty() ? Double.NaN : series.getLast().testAccuracy();
        return new TrainingResult(series, Convergence.earlyStop(series), Convergence.minimumLoss(series), last, best, iterations, seconds);
    }
}
