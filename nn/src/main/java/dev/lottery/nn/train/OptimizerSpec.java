package dev.lottery.nn.train;

import dev.lottery.nn.UserError;

/** SGD hyperparameters: learning-rate schedule, momentum (0 = plain SGD) and L2 weight decay. */
public record OptimizerSpec(LearningRateSchedule learningRate, double momentum, double weightDecay) {
    public OptimizerSpec {
        // Written so that NaN fails too.
        if (!(momentum >= 0 && momentum < 1)) throw new UserError("momentum must be in [0, 1), got " + momentum);
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) throw new UserError("weight decay must be a finite number >= 0, got " + weightDecay);
    }

    public static OptimizerSpec sgd(double lr) {
        return new OptimizerSpec(LearningRateSchedule.constant(lr), 0, 0);
    }

    public OptimizerSpec withLearningRate(LearningRateSchedule lr) {
        return new OptimizerSpec(lr, momentum, weightDecay);
    }

    public String canonical() {
        return "sgd(lr=" + learningRate.canonical() + ",momentum=" + momentum + ",weight_decay=" + weightDecay + ")";
    }
}
