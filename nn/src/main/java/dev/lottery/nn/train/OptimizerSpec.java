package dev.lottery.nn.train;

import dev.lottery.nn.UserError;

/**
 * SGD hyperparameters: learning-rate schedule, momentum (0 = plain SGD) and L2 weight decay.
 *
 * @param learningRate the learning rate by iteration
 * @param momentum     the momentum coefficient, in [0, 1); 0 keeps no momentum buffers
 * @param weightDecay  the L2 coefficient: {@code weightDecay·w} is added to the gradient of every parameter, biases
 *                     included; finite and 0 or more
 */
public record OptimizerSpec(LearningRateSchedule learningRate, double momentum, double weightDecay) {
    /**
     * Checks that momentum is in [0, 1) and weight decay finite and non-negative.
     *
     * @throws UserError if momentum or weight decay is out of range or NaN
     */
    public OptimizerSpec {
        // Written so that NaN fails too.
        if (!(momentum >= 0 && momentum < 1)) throw new UserError("momentum must be in [0, 1), got " + momentum);
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) throw new UserError("weight decay must be a finite number >= 0, got " + weightDecay);
    }

    /**
     * Plain SGD: the constant rate {@code lr}, no momentum, no weight decay.
     *
     * @param lr the learning rate, positive and finite
     * @return the optimizer settings
     * @throws UserError if {@code lr} is not a positive finite number
     */
    public static OptimizerSpec sgd(double lr) {
        return new OptimizerSpec(LearningRateSchedule.constant(lr), 0, 0);
    }

    /**
     * The same optimizer with the schedule {@code lr}.
     *
     * @param lr the new learning-rate schedule; momentum and weight decay are kept
     * @return a new spec; this one is unchanged
     */
    public OptimizerSpec withLearningRate(LearningRateSchedule lr) {
        return new OptimizerSpec(lr, momentum, weightDecay);
    }

    /**
     * The settings as one line: {@code sgd(lr=...,momentum=...,weight_decay=...)}.
     *
     * @return the text that experiment hashes use; {@code lr} is the schedule's
     *         {@link LearningRateSchedule#canonical()}
     */
    public String canonical() {
        return "sgd(lr=" + learningRate.canonical() + ",momentum=" + momentum + ",weight_decay=" + weightDecay + ")";
    }
}
