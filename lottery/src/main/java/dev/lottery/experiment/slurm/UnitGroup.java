package dev.lottery.experiment.slurm;

import dev.lottery.experiment.PruningMode;
import dev.lottery.experiment.Unit;
import dev.lottery.experiment.control.Control;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The units that differ only in their trial (mode, control, level). Groups that become ready together form a
 * {@link Wave}, one Slurm job array over the trials.
 */
public sealed interface UnitGroup {
    /**
     * The group's unit of one trial.
     *
     * @param trial the trial's number, from 0
     * @return the unit of that trial with this group's mode, control and level
     */
    Unit unit(int trial);

    /**
     * Job name and log file stem, e.g. {@code dense-l00} or {@code iterative-reinit-l03}.
     *
     * @return a name {@link Wave#group(String)} reads back to this group
     */
    String name();

    /** Level 0 of every trial. */
    record Dense() implements UnitGroup {
        @Override
        public Unit unit(int trial) {
            return new Unit.Dense(trial);
        }

        @Override
        public String name() {
            return "dense-l00";
        }
    }

    /**
     * The pruned units of one mode, control and level, over the trials.
     *
     * @param mode    iterative or one-shot
     * @param control the arm: the ticket or a control
     * @param level   the pruning level, at least 1
     */
    record Pruned(PruningMode mode, Control control, int level) implements UnitGroup {
        @Override
        public Unit unit(int trial) {
            return new Unit.Pruned(trial, mode, control, level);
        }

        @Override
        public String name() {
            return String.format(Locale.ROOT, "%s-%s-l%02d", mode.cliName(), control.name(), level);
        }
    }

    /**
     * The group a unit belongs to.
     *
     * @param u any unit
     * @return the group of every trial's unit with {@code u}'s mode, control and level
     */
    static UnitGroup of(Unit u) {
        return switch (u) {
            case Unit.Dense d -> new Dense();
            case Unit.Pruned p -> new Pruned(p.mode(), p.control(), p.level());
        };
    }

    /**
     * The groups of {@code units}, in the order their first units appear (so each after its dependencies).
     *
     * @param units units in plan order
     * @return a new list of distinct groups
     */
    static List<UnitGroup> of(List<Unit> units) {
        Set<UnitGroup> groups = new LinkedHashSet<>();
        for (Unit u : units) groups.add(of(u));
        return new ArrayList<>(groups);
    }

    /**
     * The groups this group's units depend on (the same for every trial).
     *
     * @return the groups, empty for the dense group; unmodifiable
     */
    default List<UnitGroup> dependencies() {
        return unit(0).dependencies().stream().map(UnitGroup::of).toList();
    }
}
