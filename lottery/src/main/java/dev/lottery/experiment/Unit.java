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
    /**
     * The trial this unit belongs to.
     *
     * @return the trial's number, from 0
     */
    int trial();

    /**
     * The pruning level: 0 for the dense network.
     *
     * @return the level, from 0 to the experiment's {@code levels}
     */
    int level();

    /**
     * Directory relative to the experiment's results directory.
     *
     * @return a '/'-separated relative path, e.g. {@code trial-0/iterative/ticket/level-03}; distinct for every unit
     */
    String path();

    /**
     * The units whose results this one reads; they must be complete before it starts.
     *
     * @return units of the same trial, empty for the dense unit; unmodifiable
     */
    List<Unit> dependencies();

    /**
     * Short label for progress lines and status tables.
     *
     * @return e.g. {@code trial 0 iterative ticket level 3}
     */
    String label();

    /**
     * Level 0 of a trial: the dense network trained from θ0 (shared by every mode and arm).
     *
     * @param trial the trial's number, from 0
     */
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

    /**
     * A pruned network at level {@code level >= 1}, started as its {@link Control} says.
     *
     * @param trial   the trial's number, from 0
     * @param mode    iterative (pruned from the previous level's network) or one-shot (from the dense one)
     * @param control the arm: the ticket, or a control that starts from the ticket's mask or weights
     * @param level   the pruning level, at least 1
     */
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

        /**
         * The ticket of the same trial, mode and level (whose mask the controls start from).
         *
         * @return this unit with its control replaced by {@link Controls#TICKET}; equal to this unit for a ticket
         */
        public Pruned ticket() {
            return new Pruned(trial, mode, Controls.TICKET, level);
        }

        @Override
        public String label() {
            return "trial " + trial + " " + mode.cliName() + " " + control.name() + " level " + level;
        }
    }

    /**
     * Every unit of {@code spec}, each after its dependencies: per trial the dense level, then level by level.
     *
     * @param spec the experiment
     * @return {@code trials * (1 + levels * modes * arms)} units; within a level, modes then arms in their setting's
     *         order
     */
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
