package dev.lottery.nn.train;

import java.util.List;

/**
 * What a training run measured: the evaluation series, the paper's convergence points, final and best test
 * accuracy, and the wall time.
 *
 * @param series            every evaluation in iteration order, from iteration 0 to the end; copied, unmodifiable
 * @param earlyStop         null when the early-stop criterion was never met
 * @param minimumLoss       the evaluation of least validation loss (test loss without a validation set); null for an
 *                          empty series
 * @param finalTestAccuracy the test accuracy at the last evaluation, in [0, 1]; NaN for an empty series
 * @param bestTestAccuracy  the highest test accuracy of any evaluation, in [0, 1]; NaN for an empty series
 * @param iterations        the run's length in training steps
 * @param seconds           wall time of the run in seconds, evaluations included (for a resumed run, only the time
 *                          since it resumed)
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
     *
     * @param series     every evaluation in iteration order; evenly spaced, for the early-stop criterion
     * @param iterations the run's length in training steps
     * @param seconds    the run's wall time in seconds
     * @return the result, with the paper's convergence points from {@link Convergence}
     */
    public static TrainingResult of(List<EvalPoint> series, long iterations, double seconds) {
        double best = series.stream().mapToDouble(EvalPoint::testAccuracy).max().orElse(Double.NaN);
        double last = series.isEmpty() ? Double.NaN : series.getLast().testAccuracy();
        return new TrainingResult(series, Convergence.earlyStop(series), Convergence.minimumLoss(series), last, best, iterations, seconds);
    }
}
