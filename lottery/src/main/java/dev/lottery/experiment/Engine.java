package dev.lottery.experiment;

import java.util.List;

/**
 * Runs an experiment's units so that each starts after its {@link Unit#dependencies()}. Units are idempotent and
 * complete only with their marker, so an engine may skip complete units, rerun partial ones, and run independent
 * ones (other trials, controls of one level) anywhere. {@link LocalEngine} runs them in this process, on as many
 * lanes as it is given runners; {@link SlurmEngine} submits the same units as cluster jobs with the same dependencies.
 */
public sealed interface Engine permits LocalEngine, SlurmEngine {
    /**
     * Runs every unit of {@code units} that is not complete in {@code store}, and returns once they are all complete.
     *
     * @param units    the plan: every unit of the experiment, each after its dependencies
     * @param store    the experiment's results directory, where complete units have their marker
     * @param runners  what trains units in this process: one runner per lane (each on its own backend; populations
     *                 train on different lanes at the same time) and one on every thread; an engine that runs the
     *                 units elsewhere reads only their spec
     * @param listener told of progress on the calling thread
     */
    void run(List<Unit> units, ResultsStore store, UnitRunners runners, ExperimentListener listener);
}
