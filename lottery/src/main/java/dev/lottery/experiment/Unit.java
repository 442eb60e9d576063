package dev.lottery.experiment;

import dev.lottery.experiment.control.Control;
import dev.lottery.experiment.control.Controls;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One idempotent piece of an experiment: a training run whose inputs are files of the units it depends on and
 * whose outputs go to its own directory, complete only once its {@code DONE} marker exists. Engines
 * ({@link LocalEngine} in this process, {@link SlurmEngine} as cluster jobs) need only {@link #dependencies()} and
 * {@link #path()}.
 */
public sealed interface Unit {
    /** The trial this unit belongs to. */
    int trial();

    /** The pruning level: 0 for the dense network. */
    int level();

    /** Directory relative to the experiment's results directory. */
    String path();

    /** The units whose results this one reads; they must be complete before it starts. */
    List<Unit> dependencies();

    /** Short label for progress lines and status tables. */
    String label();

    /** Level 0 of a trial: the dense network trained from θ0 (shared by every mode and arm). */
    record Dense(int trial) implements Unit {
        @Override
        public int level() {
            return 0;
        }

        @Override
        public String path() {
            return "trial-" + trial + "/level-00";
        }

        @Override
        public List<Unit> dependencies() {
            return List.of();
        }

        @Override
        public String label() {
            return "trial " + trial + " dense level 0";
        }
    }

    /** A pruned network at level {@code level >= 1}, started as its {@link Control} says. */
    record Pruned(int trial, PruningMode mode, Control control, int level) implements Unit {
        /** Checks that the level is at least 1. */
        public Pruned {
            if (level < 1) throw new IllegalArgumentException("pruned levels start at 1");
        }

        @Override
        public String path() {
            return String.format(Locale.ROOT, "trial-%d/%s/%s/level-%02d", trial, mode.cliName(), control.name(), level);
        }

        /** What the control reads (trials never depend on each other). */
        @Override
        public List<Unit> dependencies() {
            return control.dependencies(this);
        }

        /** The ticket of the same trial, mode and level (whose mask the controls start from). */
        public Pruned ticket() {
            return new Pruned(trial, mode, Controls.TICKET, level);
        }

        @Override
        public String label() {
            return "trial " + trial + " " + mode.cliName() + " " + control.name() + " level " + level;
        }
    }

    /** Every unit of {@code spec}, each after its dependencies: per trial the dense level, then level by level. */
    static List<Unit> plan(ExperimentSpec spec) {
        List<Unit> units = new ArrayList<>();
        for (int t = 0; t < spec.trials(); t++) {
            units.add(new Dense(t));
            for (int k = 1; k <= spec.levels(); k++) {
                for (PruningMode m : spec.modes()) {
                    for (Control c : spec.arms()) units.add(new Pruned(t, m, c, k));
                }
            }
        }
        return units;
    }
}
