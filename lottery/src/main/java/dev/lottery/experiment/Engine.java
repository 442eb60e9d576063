package dev.lottery.experiment;

import java.util.List;

/**
 * Runs an experiment's units so that each starts after its {@link Unit#dependencies()}. Units are idempotent and
 * complete only with their marker, so an engine may skip complete units, rerun partial ones, and run independent
 * ones (other trials, controls of one level) anywhere. {@link LocalEngine} runs them in this process;
 * {@link SlurmEngine} submits the same units as cluster jobs with the same dependencies.
 */
public sealed interface Engine permits LocalEngine, SlurmEngine {
    /**
     * Runs every unit of {@code units} that is not complete in {@code store}, and returns once they are all complete.
     *
     * @param units    the plan: every unit of the experiment, each after its dependencies
     * @param store    the experiment's results directory, where complete units have their marker
     * @param runner   what trains units in this process (an engine that runs them elsewhere reads only its spec)
     * @param listener told of progress on the calling thread
     */
    void run(List<Unit> units, ResultsStore store, UnitRunner runner, ExperimentListener listener);
}
