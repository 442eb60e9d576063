package dev.lottery.report;

import dev.lottery.experiment.PruningMode;
import dev.lottery.experiment.control.Control;
import java.util.Map;

/**
 * One finished unit as the report reads it back from {@code metrics.json}.
 *
 * @param path              the unit's directory relative to the experiment's, e.g.
 *                          {@code trial-0/iterative/ticket/level-03}
 * @param trial             the trial's number, from 0
 * @param mode              null for the dense level 0 (shared by every mode)
 * @param control           what was trained (the ticket for the dense level)
 * @param level             the pruning level, 0 for the dense network
 * @param remaining         fraction of all prunable weights that survive
 * @param layerRemaining    fraction of each prunable tensor's weights that survive, by parameter name in layer order
 * @param iterations        the iteration of every evaluation, ascending; the array is shared, not copied
 * @param testAccuracy      test accuracy (a fraction in [0, 1]) at each of {@code iterations}, NaN where not recorded;
 *                          shared, not copied
 * @param finalTestAccuracy test accuracy at the last evaluation, NaN when never evaluated
 * @param bestTestAccuracy  highest test accuracy over every evaluation, NaN when never evaluated
 * @param earlyStop         the paper's convergence point, or null when the run never met it
 * @param minimumLoss       the evaluation of minimum validation loss (test loss without validation), or null when
 *                          nothing was evaluated
 */
public record UnitResult(String path, int trial, PruningMode mode, Control control, int level, double remaining,
                         Map<String, Double> layerRemaining, long[] iterations, double[] testAccuracy,
                         double finalTestAccuracy, double bestTestAccuracy, Point earlyStop, Point minimumLoss) {
    /**
     * An iteration and the test accuracy there.
     *
     * @param iteration    the training iteration of the evaluation
     * @param testAccuracy the test accuracy there, a fraction in [0, 1]; NaN when not recorded
     */
    public record Point(long iteration, double testAccuracy) {}

    /**
     * The convergence point by the chosen criterion.
     *
     * @param c the criterion
     * @return {@link #earlyStop()} or {@link #minimumLoss()}; null when the run has no such point
     */
    public Point convergence(ConvergenceCriterion c) {
        return c == ConvergenceCriterion.EARLY_STOP ? earlyStop : minimumLoss;
    }
}
