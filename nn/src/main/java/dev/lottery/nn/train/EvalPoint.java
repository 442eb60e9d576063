package dev.lottery.nn.train;

/**
 * One evaluation during training. Validation values are NaN when no validation set is held out.
 *
 * @param iteration          training steps done before the evaluation (0: the initial network)
 * @param testLoss           mean softmax cross-entropy over the test set, in nats
 * @param testAccuracy       fraction of test examples classified correctly, in [0, 1]
 * @param validationLoss     mean softmax cross-entropy over the validation set; NaN without one
 * @param validationAccuracy fraction of validation examples classified correctly; NaN without one
 */
public record EvalPoint(long iteration, double testLoss, double testAccuracy, double validationLoss, double validationAccuracy) {
    /**
     * Whether a validation set was evaluated (its values are not NaN).
     *
     * @return true when {@link #validationLoss()} is a number
     */
    public boolean hasValidation() {
        return !Double.isNaN(validationLoss);
    }
}
