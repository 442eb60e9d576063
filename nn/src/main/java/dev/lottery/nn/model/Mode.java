package dev.lottery.nn.model;

/**
 * Whether a forward pass trains or evaluates. Training applies dropout (its mask keyed by the iteration) and
 * normalizes with batch statistics while updating the running ones; evaluation turns dropout off and normalizes
 * with the running statistics.
 */
public sealed interface Mode {
    /** Evaluation: deterministic, touches no state. */
    Mode EVALUATION = new Evaluation();

    /**
     * The mode of training step {@code iteration}.
     *
     * @param iteration the step, counted from 0 over the whole run; keys the step's dropout masks
     * @return a {@link Training} mode
     * @throws IllegalArgumentException if {@code iteration} is negative
     */
    static Mode training(long iteration) {
        return new Training(iteration);
    }

    /**
     * A training step; {@code iteration} keys the dropout masks, so a step's masks never depend on call order.
     *
     * @param iteration the step, counted from 0 over the whole run
     */
    record Training(long iteration) implements Mode {
        /** Checks that the iteration is not negative. */
        public Training {
            if (iteration < 0) throw new IllegalArgumentException("negative iteration " + iteration);
        }
    }

    /** Evaluation (use {@link Mode#EVALUATION}). */
    record Evaluation() implements Mode {}

    /**
     * Whether this is a training step.
     *
     * @return true for {@link Training}, false for {@link #EVALUATION}
     */
    default boolean training() {
        return this instanceof Training;
    }
}
