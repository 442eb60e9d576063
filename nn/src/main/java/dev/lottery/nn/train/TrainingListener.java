package dev.lottery.nn.train;

/** Progress callbacks from the {@link Trainer}; the command line draws its progress bar from them. */
public interface TrainingListener {
    TrainingListener NONE = new TrainingListener() {};

    /** Called after every iteration (keep it cheap). */
    default void onIteration(long iteration, long total) {}

    /** Called after every evaluation. */
    default void onEvaluation(EvalPoint point, long total) {}
}
