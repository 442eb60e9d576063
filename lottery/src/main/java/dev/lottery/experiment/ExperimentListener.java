package dev.lottery.experiment;

import dev.lottery.nn.train.TrainingListener;
import java.nio.file.Path;
import java.util.List;

/** Progress of an experiment run: which units start (together, as one population), finish or are skipped as complete. */
public interface ExperimentListener {
    /** Listens to nothing. */
    ExperimentListener NONE = new ExperimentListener() {};

    /**
     * Before the first unit: the results directory, how many units there are and how many are already done.
     *
     * @param spec        the experiment that runs
     * @param dir         its results directory, {@code <root>/<name>-<hash12>}
     * @param units       every unit of the plan, complete or not
     * @param alreadyDone how many of them were complete before this run (all of them when nothing is left to do)
     */
    default void onStart(ExperimentSpec spec, Path dir, int units, int alreadyDone) {}

    /**
     * The backend the units run on, as one line for the user (which one and why it was chosen). Not called when every
     * unit is already complete, since no backend is opened then.
     *
     * @param line one line without a trailing newline
     */
    default void onBackend(String line) {}

    /**
     * A unit that is already complete (its marker exists) and is not run again.
     *
     * @param unit the complete unit
     */
    default void onSkip(Unit unit) {}

    /**
     * Units start training together as one population ({@code done} of {@code total} units complete or training so
     * far); the returned listener receives the population's training progress and the evaluations of its first unit,
     * on the thread that trains it (when populations train side by side, only one of them at a time is followed).
     *
     * @param units the population's members, of one trial unless the model allows several, in plan order
     * @param done  units of the experiment complete, or training in other populations, when this population starts;
     *              skipped ones included
     * @param total every unit of the experiment
     * @return the listener for this population's training; {@link TrainingListener#NONE} to ignore it
     */
    default TrainingListener onPopulationStart(List<Unit> units, int done, int total) {
        return TrainingListener.NONE;
    }

    /**
     * A unit finished and its marker is written.
     *
     * @param unit    the unit, now complete
     * @param outcome its headline numbers
     */
    default void onUnitDone(Unit unit, UnitOutcome outcome) {}

    /**
     * The headline numbers of a finished unit.
     *
     * @param remainingFraction the fraction of all prunable weights that survive, in (0, 1]
     * @param finalTestAccuracy test accuracy at the last evaluation, a fraction in [0, 1]; NaN when never evaluated
     * @param bestTestAccuracy  highest test accuracy over every evaluation, a fraction in [0, 1]; NaN when never
     *                          evaluated
     * @param seconds           the unit's share of its population's wall time
     */
    record UnitOutcome(double remainingFraction, double finalTestAccuracy, double bestTestAccuracy, double seconds) {}
}
