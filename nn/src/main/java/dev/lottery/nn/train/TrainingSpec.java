package dev.lottery.nn.train;

import dev.lottery.nn.UserError;
import dev.lottery.nn.data.augment.BatchAugmentation;

/**
 * How long and how to train: optimizer, batch size, length in iterations, how often to evaluate, the size
 * of the validation holdout taken from the training set (0 = none, as the paper's lenet experiments), and the
 * training-batch augmentation (random flips and translations for resnet; none otherwise).
 */
public record TrainingSpec(OptimizerSpec optimizer, int batchSize, long iterations, int evalEvery, int validationSize,
                           BatchAugmentation augmentation) {
    /** Without data augmentation (the paper's lenet and conv experiments). */
    public TrainingSpec(OptimizerSpec optimizer, int batchSize, long iterations, int evalEvery, int validationSize) {
        this(optimizer, batchSize, iterations, evalEvery, validationSize, BatchAugmentation.NONE);
    }

    public TrainingSpec {
        if (augmentation == null) augmentation = BatchAugmentation.NONE;
        if (batchSize <= 0) throw new UserError("batch size must be positive, got " + batchSize);
        if (iterations <= 0) throw new UserError("iterations must be positive, got " + iterations);
        if (evalEvery <= 0) throw new UserError("evaluation interval must be positive, got " + evalEvery);
        if (validationSize < 0) throw new UserError("validation size must be non-negative, got " + validationSize);
    }

    /** Iterations for {@code epochs} passes over {@code trainExamples} examples (the last partial batch is dropped). */
    public static long iterationsFor(int epochs, int trainExamples, int batchSize) {
        if (epochs <= 0) throw new UserError("epochs must be positive, got " + epochs);
        return (long) epochs * (trainExamples / batchSize);
    }

    public String canonical() {
        return "train(" + optimizer.canonical() + ",batch=" + batchSize + ",iterations=" + iterations
                + ",eval_every=" + evalEvery + ",validation=" + validationSize
                // Absent when off, so settings hashes of runs without augmentation keep their value.
                + (augmentation.isNone() ? "" : ",augment=" + augmentation.canonical()) + ")";
    }
}
