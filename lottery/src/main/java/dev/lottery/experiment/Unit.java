package dev.lottery.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One idempotent piece of an experiment: a training run whose inputs are files of the units it depends on and
 * whose outputs go to its own directory, complete only once its {@code DONE} marker exists. Engines (local now,
 * a cluster scheduler later) need only {@link #dependencies()} and {@link #path()}.
 */
public sealed interface Unit {
    int trial();

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

    /** A pruned network of one arm at level {@code level >= 1}. */
    record Pruned(int trial, PruningMode mode, Arm arm, int level) implements Unit {
        public Pruned {
            if (level < 1) throw new IllegalArgumentException("pruned levels start at 1");
        }

        @Override
        public String path() {
            return String.format(Locale.ROOT, "trial-%d/%s/%s/level-%02d", trial, mode.cliName(), arm.cliName(), level);
        }

        /**
         * The ticket at level k needs the ticket at level k-1 (iterative) or the dense network (one-shot); a control
         * at level k needs the ticket's mask at level k. Trials never depend on each other.
         */
        @Override
        public List<Unit> dependencies() {
            if (arm != Arm.TICKET) return List.of(new Pruned(trial, mode, Arm.TICKET, level));
            if (mode == PruningMode.ONESHOT || level == 1) return List.of(new Dense(trial));
            return List.of(new Pruned(trial, mode, Arm.TICKET, level - 1));
        }

        @Override
        public String label() {
            return "trial " + trial + " " + mode.cliName() + " " + arm.cliName() + " level " + level;
        }
    }

    /** Every unit of {@code spec}, each after its dependencies: per trial the dense level, then level by level. */
    static List<Unit> plan(ExperimentSpec spec) {
        return plan(spec.modes(), spec.arms(), spec.levels(), spec.trials());
    }

    static List<Unit> plan(List<PruningMode> modes, List<Arm> arms, int levels, int trials) {
        List<Unit> units = new ArrayList<>();
        for (int t = 0; t < trials; t++) {
            units.add(new Dense(t));
            for (int k = 1; k <= levels; k++) {
                for (PruningMode m : PruningMode.values()) {
                    if (!modes.contains(m)) continue;
                    for (Arm a : Arm.values()) if (arms.contains(a)) units.add(new Pruned(t, m, a, k));
                }
            }
        }
        return units;
    }
}
