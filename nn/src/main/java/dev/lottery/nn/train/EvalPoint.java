package dev.lottery.nn.train;

/**
 * One evaluation during training. Validation values are NaN when no validation set is held out.
 */
public record EvalPoint(long iteration, double testLoss, double testAccuracy, double validationLoss, double validationAccuracy) {
    /** Whether a validation set was evaluated (its values are not NaN). */
    public boolean hasValidation() {
        return !Double.isNaN(validationLoss);
    }
}
