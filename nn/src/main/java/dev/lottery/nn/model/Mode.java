package dev.lottery.nn.model;

/**
 * Whether a forward pass trains or evaluates. Training applies dropout (its mask keyed by the iteration) and
 * normalizes with batch statistics while updating the running ones; evaluation turns dropout off and normalizes
 * with the running statistics.
 */
public sealed interface Mode {
    /** Evaluation: deterministic, touches no state. */
    Mode EVALUATION = new Evaluation();

    static Mode training(long iteration) {
        return new Training(iteration);
    }

    /** A training step; {@code iteration} keys the dropout masks, so a step's masks never depend on call order. */
    record Training(long iteration) implements Mode {
        public Training {
            if (iteration < 0) throw new IllegalArgumentException("negative iteration " + iteration);
        }
    }

    record Evaluation() implements Mode {}

    default boolean training() {
        return this instanceof Training;
    }
}
