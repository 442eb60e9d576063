package dev.lottery.experiment.control;

import dev.lottery.experiment.PruningMode;
import dev.lottery.experiment.Unit;
import dev.lottery.prune.PruningStrategy;
import dev.lottery.prune.SurvivorCount;
import java.util.List;

/**
 * The winning ticket (the paper's Section 1): the trained weights of the level below (iterative: the previous
 * ticket; one-shot: the dense network) pruned by the experiment's strategy, the survivors reset to θ0 (or the rewind
 * point).
 */
public record Ticket() implements Control {
    @Override
    public String name() {
        return "ticket";
    }

    @Override
    public String description() {
        return "the winning ticket: pruned by magnitude, survivors reset to θ0 (or the rewind point)";
    }

    @Override
    public List<Unit> dependencies(Unit.Pruned unit) {
        if (unit.mode() == PruningMode.ONESHOT || unit.level() == 1) return List.of(new Unit.Dense(unit.trial()));
        return List.of(new Unit.Pruned(unit.trial(), unit.mode(), this, unit.level() - 1));
    }

    @Override
    public void prepare(UnitStart start) {
        Unit source = dependencies(start.unit()).getFirst();
        start.loadMasks(source);
        start.loadTrainedWeights(source);
        PruningStrategy strategy = start.spec().strategy();
        switch (start.unit().mode()) {
            case ITERATIVE -> strategy.pruneStep(start.network());
            case ONESHOT -> strategy.pruneTo(start.network(), start.unit().level());
        }
        strategy.checkLevel(SurvivorCount.of(start.network()), start.unit().level());
        start.resetSurvivors();
    }
}
