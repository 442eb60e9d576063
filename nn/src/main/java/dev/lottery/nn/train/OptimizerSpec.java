package dev.lottery.nn.train;

import dev.lottery.nn.UserError;

/** SGD hyperparameters: learning-rate schedule, momentum (0 = plain SGD) and L2 weight decay. */
public record OptimizerSpec(LearningRateSchedule learningRate, double momentum, double weightDecay) {
    /** Checks that momentum is in [0, 1) and weight decay finite and non-negative. */
    public OptimizerSpec {
        // Written so that NaN fails too.
        if (!(momentum >= 0 && momentum < 1)) throw new UserError("momentum must be in [0, 1), got " + momentum);
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) throw new UserError("weight decay must be a finite number >= 0, got " + weightDecay);
    }

    /** Plain SGD: the constant rate {@code lr}, no momentum, no weight decay. */
    public static OptimizerSpec sgd(double lr) {
        return new OptimizerSpec(LearningRateSchedule.constant(lr), 0, 0);
    }

    /** The same optimizer with the schedule {@code lr}. */
    public OptimizerSpec withLearningRate(LearningRateSchedule lr) {
        return new OptimizerSpec(lr, momentum, weightDecay);
    }

    /** The settings as one line: {@code sgd(lr=...,momentum=...,weight_decay=...)}. */
    public String canonical() {
        return "sgd(lr=" + learningRate.canonical() + ",momentum=" + momentum + ",weight_decay=" + weightDecay + ")";
    }
}
