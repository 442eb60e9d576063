package dev.lottery.experiment;

import dev.lottery.nn.train.TrainingListener;
import java.nio.file.Path;
import java.util.List;

/** Progress of an experiment run: which units start (together, as one population), finish or are skipped as complete. */
public interface ExperimentListener {
    /** Listens to nothing. */
    ExperimentListener NONE = new ExperimentListener() {};

    /** Before the first unit: the results directory, how many units there are and how many are already done. */
    default void onStart(ExperimentSpec spec, Path dir, int units, int alreadyDone) {}

    /** The backend the units run on, as one line for the user (which one and why it was chosen). */
    default void onBackend(String line) {}

    /** A unit that is already complete (its marker exists) and is not run again. */
    default void onSkip(Unit unit) {}

    /**
     * Units start training together as one population ({@code done} of {@code total} units complete so far); the
     * returned listener receives the population's training progress and the evaluations of its first unit.
     */
    default TrainingListener onPopulationStart(List<Unit> units, int done, int total) {
        return TrainingListener.NONE;
    }

    /** A unit finished and its marker is written. */
    default void onUnitDone(Unit unit, UnitOutcome outcome) {}

    /**
     * The headline numbers of a finished unit.
     *
     * @param seconds the unit's share of its population's wall time
     */
    record UnitOutcome(double remainingFraction, double finalTestAccuracy, double bestTestAccuracy, double seconds) {}
}
