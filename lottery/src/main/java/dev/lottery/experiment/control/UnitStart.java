package dev.lottery.experiment.control;

import dev.lottery.experiment.ExperimentSpec;
import dev.lottery.experiment.ResetMode;
import dev.lottery.experiment.ResultsStore;
import dev.lottery.experiment.Unit;
import dev.lottery.nn.model.Network;
import dev.lottery.prune.MaskFiles;
import dev.lottery.prune.NetworkState;
import java.nio.file.Path;

/**
 * What a {@link Control} prepares and from where: one pruned unit, its fresh network, the experiment and its results.
 *
 * @param spec    the experiment
 * @param store   its results directory, where the unit's dependencies are complete
 * @param unit    the unit being started
 * @param network the unit's network, just created from the model; owned by the runner, which the control sets up
 *                but does not close
 */
public record UnitStart(ExperimentSpec spec, ResultsStore store, Unit.Pruned unit, Network network) {
    /**
     * The seed of the unit's trial.
     *
     * @return {@code spec.trialSeed(unit.trial())}; key draws with {@link #purpose()} so units of a trial differ
     */
    public long trialSeed() {
        return spec.trialSeed(unit.trial());
    }

    /**
     * The key of the unit's random draws: {@code <control>/<mode>/level-<k>}, e.g. {@code reinit/iterative/level-3}.
     *
     * @return a key distinct for every pruned unit of a trial
     */
    public String purpose() {
        return unit.control().name() + "/" + unit.mode().cliName() + "/level-" + unit.level();
    }

    /**
     * Sets the network's masks to those {@code from} ended with (weights are not touched).
     *
     * @param from a complete unit of the same trial, usually one of the dependencies
     */
    public void loadMasks(Unit from) {
        MaskFiles.read(store.unitDir(from), network);
    }

    /**
     * Sets every parameter to the value {@code from} ended training with, zero where the current masks prune.
     *
     * @param from a complete unit of the same trial, usually one of the dependencies
     */
    public void loadTrainedWeights(Unit from) {
        restore(store.unitDir(from));
    }

    /**
     * Sets every parameter to the values the ticket is reset to, zero where the current masks prune: θ0, or with
     * late resetting the dense network's weights at the rewind iteration.
     */
    public void resetSurvivors() {
        restore(spec.reset() instanceof ResetMode.Rewind ? store.rewindDir(unit.trial()) : store.theta0Dir(unit.trial()));
    }

    private void restore(Path dir) {
        try (NetworkState state = NetworkState.read(dir, network)) {
            state.restoreInto(network);
        }
    }
}
