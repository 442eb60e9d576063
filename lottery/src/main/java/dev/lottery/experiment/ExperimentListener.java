package dev.lottery.experiment;

import dev.lottery.nn.train.TrainingListener;
import java.nio.file.Path;

/** Progress of an experiment run: which unit starts, finishes or is skipped as already complete. */
public interface ExperimentListener {
    ExperimentListener NONE = new ExperimentListener() {};

    /** Before the first unit: the results directory, how many units there are and how many are already done. */
    default void onStart(ExperimentSpec spec, Path dir, int units, int alreadyDone) {}

    /** The backend the units run on, as one line for the user (which one and why it was chosen). */
    default void onBackend(String line) {}

    /** A unit that is already complete (its marker exists) and is not run again. */
    default void onSkip(Unit unit) {}

    /** A unit starts; the returned listener receives its training progress. */
    default TrainingListener onUnitStart(Unit unit, int index, int units) {
        return TrainingListener.NONE;
    }

    /** A unit finished and its marker is written. */
    default void onUnitDone(Unit unit, UnitOutcome outcome) {}

    /** The headline numbers of a finished unit. */
    record UnitOutcome(double remainingFraction, double finalTestAccuracy, double bestTestAccuracy, double seconds) {}
}
