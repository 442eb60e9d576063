package dev.lottery.experiment.slurm;

import dev.lottery.experiment.PruningMode;
import dev.lottery.experiment.Unit;
import dev.lottery.experiment.control.Controls;
import dev.lottery.nn.UserError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Unit groups whose units become ready together: those at the same depth of the dependency chain (the dense level
 * at 0; in the iterative chain the ticket of level k+1 beside the controls of level k; in one-shot mode every
 * level's ticket, then all their controls). One wave is one Slurm job array with a task per trial, and the task trains
 * its trial's units of the wave together, as populations. Trials are independent, so a task depends only on the same
 * trial's tasks of the waves holding its units' dependencies ({@code --dependency=aftercorr}).
 *
 * @param depth  the number of units before these in the dependency chain
 * @param groups the groups, in plan order
 */
public record Wave(int depth, List<UnitGroup> groups) {
    private static final Pattern GROUP = Pattern.compile("([a-z]+)-(.+)-l(\\d+)");

    /** Checks that the wave has groups. */
    public Wave {
        groups = List.copyOf(groups);
        if (groups.isEmpty()) throw new IllegalArgumentException("an empty wave");
    }

    /**
     * Job name and log file stem: the group's own name for a wave of one, else {@code wave-DD}.
     *
     * @return e.g. {@code dense-l00} or {@code wave-03}; the same when a sweep is resubmitted
     */
    public String name() {
        return groups.size() == 1 ? groups.getFirst().name() : String.format(Locale.ROOT, "wave-%02d", depth);
    }

    /** The {@code run-unit} options that select this wave's units, without the trial. */
    List<String> unitOptions() {
        return List.of("--units", groups.stream().map(UnitGroup::name).collect(Collectors.joining(",")));
    }

    /**
     * This wave's units of one trial, in plan order.
     *
     * @param trial the trial's number, from 0
     * @return one unit per group; unmodifiable
     */
    public List<Unit> units(int trial) {
        return groups.stream().map(g -> g.unit(trial)).toList();
    }

    /** The waves of {@code groups} (in plan order, so each group after its dependencies), by depth. */
    static List<Wave> of(List<UnitGroup> groups) {
        Map<UnitGroup, Integer> depth = new HashMap<>();
        Map<Integer, List<UnitGroup>> byDepth = new LinkedHashMap<>();
        for (UnitGroup g : groups) {
            int d = g.dependencies().stream().mapToInt(dep -> depth.getOrDefault(dep, -1) + 1).max().orElse(0);
            depth.put(g, d);
            byDepth.computeIfAbsent(d, k -> new ArrayList<>()).add(g);
        }
        return byDepth.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(e -> new Wave(e.getKey(), e.getValue())).toList();
    }

    /**
     * The group {@link UnitGroup#name()} names, e.g. {@code dense-l00} or {@code iterative-reinit-l03}.
     *
     * @param name a group name; one that is not, or names an unknown mode or control, is a one-line
     *             {@link UserError}
     * @return the group, equal to the one that wrote the name
     */
    public static UnitGroup group(String name) {
        if (name.equals(new UnitGroup.Dense().name())) return new UnitGroup.Dense();
        Matcher m = GROUP.matcher(name);
        if (!m.matches()) throw new UserError("not a unit group: '" + name + "' (e.g. dense-l00 or iterative-reinit-l03)");
        return new UnitGroup.Pruned(PruningMode.parse(m.group(1)), Controls.get(m.group(2)), Integer.parseInt(m.group(3)));
    }
}
