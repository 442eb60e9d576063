package dev.lottery.experiment;

import dev.lottery.nn.train.TrainingListener;
import java.util.List;

/** Runs units one after another in this process, in plan order (which puts every unit after its dependencies). */
public record LocalEngine() implements Engine {
    @Override
    public void run(List<Unit> units, ResultsStore store, UnitRunner runner, ExperimentListener listener) {
        int done = (int) units.stream().filter(store::isDone).count();
        listener.onStart(runner.spec(), store.dir(), units.size(), done);
        for (int i = 0; i < units.size(); i++) {
            Unit u = units.get(i);
            if (store.isDone(u)) {
                listener.onSkip(u);
                continue;
            }
            for (Unit d : u.dependencies()) {
                if (!store.isDone(d)) throw new IllegalStateException(u.label() + " scheduled before its dependency " + d.label());
            }
            TrainingListener progress = listener.onUnitStart(u, i, units.size());
            ExperimentListener.UnitOutcome outcome = runner.run(u, progress);
            listener.onUnitDone(u, outcome);
        }
    }
}
