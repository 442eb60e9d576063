package dev.lottery.nn.train;

import dev.lottery.nn.UserError;
import dev.lottery.nn.data.augment.BatchAugmentation;
import java.util.Objects;

/**
 * How long and how to train: optimizer, batch size, length in iterations, how often to evaluate, the size
 * of the validation holdout taken from the training set (0 = none, as the paper's lenet experiments), and the
 * training-batch augmentation (random flips and translations for resnet; none otherwise).
 *
 * <p>{@link #builder} names each setting: {@code TrainingSpec.builder(optimizer).batchSize(60).iterations(5_000).build()}.
 * The validation size given here is the one {@link ResidentData#load(dev.lottery.nn.backend.Backend,
 * dev.lottery.nn.data.DatasetName, TrainingSpec)} holds out, so it is stated once.
 *
 * @param optimizer  learning rate (schedule), momentum and weight decay
 * @param batchSize  examples per training step
 * @param iterations training steps
 * @param evalEvery  iterations between evaluations of test (and validation) loss and accuracy
 * @param validationSize training examples held out for validation (0: none)
 * @param augmentation what is done to each training batch ({@link BatchAugmentation#NONE}: nothing)
 */
public record TrainingSpec(OptimizerSpec optimizer, int batchSize, long iterations, int evalEvery, int validationSize,
                           BatchAugmentation augmentation) {
    /**
     * Without data augmentation (the paper's lenet and conv experiments).
     *
     * @param optimizer      learning rate (schedule), momentum and weight decay
     * @param batchSize      examples per training step, at least 1
     * @param iterations     training steps, at least 1
     * @param evalEvery      iterations between evaluations, at least 1
     * @param validationSize training examples held out for validation, 0 for none
     * @throws UserError if a setting is out of range
     */
    public TrainingSpec(OptimizerSpec optimizer, int batchSize, long iterations, int evalEvery, int validationSize) {
        this(optimizer, batchSize, iterations, evalEvery, validationSize, BatchAugmentation.NONE);
    }

    /**
     * Checks every setting: sizes and counts positive, the validation size non-negative. A null augmentation means
     * none.
     *
     * @throws UserError if a setting is out of range
     */
    public TrainingSpec {
        if (augmentation == null) augmentation = BatchAugmentation.NONE;
        if (batchSize <= 0) throw new UserError("batch size must be positive, got " + batchSize);
        if (iterations <= 0) throw new UserError("iterations must be positive, got " + iterations);
        if (evalEvery <= 0) throw new UserError("evaluation interval must be positive, got " + evalEvery);
        if (validationSize < 0) throw new UserError("validation size must be non-negative, got " + validationSize);
    }

    /**
     * Iterations for {@code epochs} passes over {@code trainExamples} examples (the last partial batch is dropped).
     *
     * @param epochs        passes over the training set, at least 1
     * @param trainExamples examples in the training set after the validation holdout
     * @param batchSize     examples per training step, at least 1
     * @return {@code epochs × floor(trainExamples / batchSize)}; 0 when a batch is larger than the training set
     * @throws UserError if {@code epochs} is not positive
     */
    public static long iterationsFor(int epochs, int trainExamples, int batchSize) {
        if (epochs <= 0) throw new UserError("epochs must be positive, got " + epochs);
        return (long) epochs * (trainExamples / batchSize);
    }

    /**
     * A builder with {@code optimizer}; batch size and iterations must be set, evaluation defaults to every 100
     * iterations, validation to none, augmentation to none.
     *
     * @param optimizer learning rate (schedule), momentum and weight decay; not null
     * @return a new builder
     * @throws NullPointerException if {@code optimizer} is null
     */
    public static Builder builder(OptimizerSpec optimizer) {
        return new Builder(optimizer);
    }

    /** Builds a {@link TrainingSpec} setting by named setting. Not thread-safe. */
    public static final class Builder {
        private final OptimizerSpec optimizer;
        private int batchSize;
        private long iterations;
        private int evalEvery = 100;
        private int validationSize;
        private BatchAugmentation augmentation = BatchAugmentation.NONE;

        private Builder(OptimizerSpec optimizer) {
            this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        }

        /**
         * Examples per training step (required).
         *
         * @param examples the batch size, at least 1 (checked by {@link #build()})
         * @return this builder
         */
        public Builder batchSize(int examples) {
            this.batchSize = examples;
            return this;
        }

        /**
         * Training steps (required).
         *
         * @param steps the run's length in iterations, at least 1 (checked by {@link #build()})
         * @return this builder
         */
        public Builder iterations(long steps) {
            this.iterations = steps;
            return this;
        }

        /**
         * Iterations between evaluations (default 100).
         *
         * @param steps the interval, at least 1 (checked by {@link #build()}); the run also evaluates at 0 and at the
         *              end
         * @return this builder
         */
        public Builder evalEvery(int steps) {
            this.evalEvery = steps;
            return this;
        }

        /**
         * Training examples held out for validation (default 0, none).
         *
         * @param examples the holdout size, 0 or more (checked by {@link #build()})
         * @return this builder
         */
        public Builder validationSize(int examples) {
            this.validationSize = examples;
            return this;
        }

        /**
         * What is done to each training batch (default none).
         *
         * @param a the augmentation; null means none
         * @return this builder
         */
        public Builder augmentation(BatchAugmentation a) {
            this.augmentation = a;
            return this;
        }

        /**
         * The training settings.
         *
         * @return a new spec; the builder may be changed and built again
         * @throws UserError if a required setting is missing or a setting is out of range
         */
        public TrainingSpec build() {
            return new TrainingSpec(optimizer, batchSize, iterations, evalEvery, validationSize, augmentation);
        }
    }

    /**
     * The settings as one line, for hashing experiments: {@code train(sgd(...),batch=60,...)}.
     *
     * @return every setting in a fixed order; the augmentation appears only when there is one, so runs without it
     *         keep their hashes
     */
    public String canonical() {
        return "train(" + optimizer.canonical() + ",batch=" + batchSize + ",iterations=" + iterations
                + ",eval_every=" + evalEvery + ",validation=" + validationSize
                // Absent when off, so settings hashes of runs without augmentation keep their value.
                + (augmentation.isNone() ? "" : ",augment=" + augmentation.canonical()) + ")";
    }
}
