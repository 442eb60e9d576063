package dev.lottery.nn.train;

import java.util.List;

/**
 * The paper's convergence points, computed from an evaluation series.
 *
 * <p><b>Early stopping (Section 2, footnote 1)</b>: "the moment at which the 1000-iteration moving average of test
 * loss changed by less than 0.001 for 1000 consecutive iterations", with test loss measured every 100 iterations.
 * Our reading: MA(t) is the mean of the test losses at the evaluations in (t - 1000, t]; the moving average is
 * "stable" at evaluation t when |MA(t) - MA(t_prev)| &lt; 0.001; the convergence iteration is the first t at which
 * a run of stable evaluations begins that lasts 1000 iterations (so the criterion looks 1000 iterations ahead,
 * and the reported moment is where the plateau starts). Evaluations must be evenly spaced.
 *
 * <p><b>Minimum validation loss (Section 3, footnote 2)</b>: the iteration of minimum validation loss (test loss
 * when no validation set is held out), with the test accuracy there.
 */
public final class Convergence {
    private Convergence() {}

    /**
     * An iteration and the test accuracy measured there.
     *
     * @param iteration    the evaluation's iteration (training steps done)
     * @param testAccuracy the fraction of test examples classified correctly there, in [0, 1]
     */
    public record Point(long iteration, double testAccuracy) {}

    /** The moving average spans the test losses of this many iterations (the paper: 1000). */
    public static final long WINDOW = 1000;
    /** The moving average must stay stable for this many iterations (the paper: 1000). */
    public static final long PATIENCE = 1000;
    /** A change of the moving average below this is stable (the paper: 0.001). */
    public static final double THRESHOLD = 0.001;

    /**
     * The early-stop point, or null when the run never satisfied the criterion.
     *
     * @param series the run's evaluations in iteration order, evenly spaced
     * @return the evaluation where the plateau of the paper's criterion ({@link #WINDOW}, {@link #PATIENCE},
     *         {@link #THRESHOLD}) starts; null also for fewer than three evaluations
     */
    public static Point earlyStop(List<EvalPoint> series) {
        return earlyStop(series, WINDOW, PATIENCE, THRESHOLD);
    }

    /**
     * The early-stop point with another window, patience and threshold, or null when the run never satisfied it.
     *
     * @param series    the run's evaluations in iteration order, evenly spaced (the spacing is read from the first
     *                  two)
     * @param window    iterations the moving average spans; rounded down to whole evaluations, at least one
     * @param patience  iterations the moving average must stay stable; rounded down to whole evaluations, at least one
     * @param threshold a change of the moving average strictly below this is stable
     * @return the evaluation where the first long enough stable run starts; null for fewer than three evaluations
     */
    public static Point earlyStop(List<EvalPoint> series, long window, long patience, double threshold) {
        int n = series.size();
        if (n < 3) return null;
        long step = series.get(1).iteration() - series.get(0).iteration();
        int w = (int) Math.max(1, window / step);
        int p = (int) Math.max(1, patience / step);
        double[] ma = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += series.get(i).testLoss();
            if (i >= w) sum -= series.get(i - w).testLoss();
            ma[i] = sum / Math.min(i + 1, w);
        }
        // stable[i]: the moving average moved by less than the threshold from evaluation i-1 to i (full windows only).
        int run = 0;
        for (int i = w; i < n; i++) {
            boolean stable = Math.abs(ma[i] - ma[i - 1]) < threshold;
            run = stable ? run + 1 : 0;
            if (run == p) {
                EvalPoint start = series.get(i - p);
                return new Point(start.iteration(), start.testAccuracy());
            }
        }
        return null;
    }

    /**
     * The point of minimum validation loss (test loss without validation); null for an empty series.
     *
     * @param series the run's evaluations in any order
     * @return the first evaluation with the least loss, with its test accuracy; NaN losses never win, so a series of
     *         only NaN losses gives null too
     */
    public static Point minimumLoss(List<EvalPoint> series) {
        EvalPoint best = null;
        for (EvalPoint e : series) {
            double loss = e.hasValidation() ? e.validationLoss() : e.testLoss();
            double bestLoss = best == null ? Double.POSITIVE_INFINITY : (best.hasValidation() ? best.validationLoss() : best.testLoss());
            if (loss < bestLoss) best = e;
        }
        return best == null ? null : new Point(best.iteration(), best.testAccuracy());
    }
}
