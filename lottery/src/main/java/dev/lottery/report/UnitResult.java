package dev.lottery.report;

import dev.lottery.experiment.PruningMode;
import dev.lottery.experiment.control.Control;
import java.util.Map;

/**
 * One finished unit as the report reads it back from {@code metrics.json}.
 *
 * @param mode          null for the dense level 0 (shared by every mode)
 * @param control       what was trained (the ticket for the dense level)
 * @param remaining     fraction of all prunable weights that survive
 * @param earlyStop     the paper's convergence point, or null when the run never met it
 */
public record UnitResult(String path, int trial, PruningMode mode, Control control, int level, double remaining,
                         Map<String, Double> layerRemaining, long[] iterations, double[] testAccuracy,
                         double finalTestAccuracy, double bestTestAccuracy, Point earlyStop, Point minimumLoss) {
    /** An iteration and the test accuracy there. */
    public record Point(long iteration, double testAccuracy) {}

    /** The convergence point by the chosen criterion. */
    public Point convergence(ConvergenceCriterion c) {
        return c == ConvergenceCriterion.EARLY_STOP ? earlyStop : minimumLoss;
    }
}
