package dev.lottery.nn.train;

/** Progress callbacks from the {@link Trainer}; the command line draws its progress bar from them. */
public interface TrainingListener {
    /** Listens to nothing. */
    TrainingListener NONE = new TrainingListener() {};

    /**
     * Called after every iteration (keep it cheap) — after that iteration's evaluation when it has one, so progress
     * drawn here shows the evaluation of the iteration it names.
     *
     * @param iteration the iterations done so far, 1 to {@code total}
     * @param total     the run's length in iterations
     */
    default void onIteration(long iteration, long total) {}

    /**
     * Called after every evaluation (at iteration 0 before the first {@link #onIteration}).
     *
     * @param point the evaluation just made
     * @param total the run's length in iterations
     */
    default void onEvaluation(EvalPoint point, long total) {}
}
