package dev.lottery.experiment.slurm;

import dev.lottery.experiment.ExperimentData;
import dev.lottery.experiment.ExperimentListener;
import dev.lottery.experiment.Concurrency;
import dev.lottery.experiment.Lanes;
import dev.lottery.experiment.LocalEngine;
import dev.lottery.experiment.PopulationSize;
import dev.lottery.experiment.ExperimentSpec;
import dev.lottery.experiment.PruningMode;
import dev.lottery.experiment.ResultsStore;
import dev.lottery.experiment.Unit;
import dev.lottery.experiment.UnitRunner;
import dev.lottery.experiment.control.Controls;
import dev.lottery.nn.UserError;
import dev.lottery.nn.backend.Backends;
import dev.lottery.nn.backend.BackendOptions;
import dev.lottery.nn.train.ResidentData;
import dev.lottery.nn.train.TrainingListener;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Units of one trial in this process, then exit: what a cluster job runs ({@code lottery experiment run-unit}).
 * Complete units are skipped; the others train together as populations, side by side on CPU lanes (see
 * {@link LocalEngine}); a unit whose dependencies are neither complete nor among the units to run is refused (a
 * {@link UserError}: the scheduler started it too early or its dependency failed — rerunning cannot help); a partial
 * unit resumes from its training checkpoint.
 * The experiment's settings are read from the manifest of its directory.
 */
public final class UnitJob {
    private UnitJob() {}

    /** Outcome for the job's log: units ran, or all were already complete. */
    public enum Result {
        /** At least one unit was trained; every unit asked for is now complete. */
        RAN,
        /** Every unit asked for was already complete: no backend was opened, nothing trained. */
        ALREADY_DONE
    }

    /**
     * Runs {@code units} of the experiment in {@code experimentDir}, in populations of at most {@code size}.
     *
     * @param experimentDir   an existing results directory; its manifest gives the settings
     * @param units           units of that experiment, of one trial; those complete are skipped
     * @param size            the most units per population, or {@link PopulationSize#AUTO}
     * @param concurrency     how many populations train side by side on the CPU (one lane per thread for auto)
     * @param backendOptions  the device and each backend's settings; the backend is opened here and closed before
     *                        this returns
     * @param dataDir         where built-in data sets are looked for; null for the default cache
     * @param checkpointEvery training checkpoint interval in iterations; 0 for none
     * @param log             receives one line per skipped, resumed, started and finished unit
     * @return whether anything was trained
     */
    public static Result run(Path experimentDir, List<Unit> units, PopulationSize size, Concurrency concurrency, BackendOptions backendOptions,
                             Path dataDir, long checkpointEvery, PrintStream log) {
        ResultsStore store = ResultsStore.existing(experimentDir);
        ExperimentSpec spec = store.spec();
        List<Unit> plan = store.plan();
        List<Unit> pending = new ArrayList<>();
        for (Unit unit : units) {
            if (!plan.contains(unit)) throw new UserError(unit.label() + " is not a unit of " + store.dir());
            if (store.isDone(unit)) log.println("lottery: " + unit.label() + " is already complete in " + store.dir());
            else pending.add(unit);
        }
        if (pending.isEmpty()) return Result.ALREADY_DONE;
        for (Unit unit : pending) {
            for (Unit d : unit.dependencies()) {
                if (!store.isDone(d) && !pending.contains(d)) {
                    throw new UserError(unit.label() + " needs " + d.label() + ", which is not complete in " + store.dir());
                }
            }
            Path checkpoint = store.unitDir(unit).resolve(UnitRunner.CHECKPOINT);
            if (Files.exists(checkpoint)) log.println("lottery: resuming " + unit.label() + " from its checkpoint " + checkpoint);
        }
        // In plan order, so the engine meets every unit after its dependencies.
        pending.sort(Comparator.comparingInt(plan::indexOf));
        try (Lanes lanes = Lanes.open(Backends.select(backendOptions), backendOptions, concurrency, true)) {
            log.println("lottery: " + pending.size() + " unit(s), " + lanes.describe());
            try (ResidentData data = ExperimentData.resident(spec, null, dataDir, lanes.first(), store, line -> log.println("lottery: " + line))) {
                new LocalEngine(size).run(pending, store, lanes.runners(spec, store, data, checkpointEvery), new ExperimentListener() {
                    @Override
                    public TrainingListener onPopulationStart(List<Unit> population, int done, int total) {
                        log.println("lottery: training " + population.stream().map(Unit::label).collect(Collectors.joining(", ")));
                        return TrainingListener.NONE;
                    }

                    @Override
                    public void onUnitDone(Unit unit, UnitOutcome o) {
                        log.printf(Locale.ROOT, "lottery: %s done: %.2f%% of weights remain, final test accuracy %.2f%% (%.1f s)%n",
                                unit.label(), o.remainingFraction() * 100, o.finalTestAccuracy() * 100, o.seconds());
                    }
                });
            }
            return Result.RAN;
        }
    }

    /**
     * The units of one trial that {@code --units} names.
     *
     * @param groups unit group names ({@link UnitGroup#name()}), comma-separated; blanks around names and empty names
     *               are ignored
     * @param trial  the trial's number, from 0
     * @return one unit per group name, in the order given
     */
    public static List<Unit> units(String groups, int trial) {
        return Arrays.stream(groups.split(",")).map(String::strip).filter(g -> !g.isEmpty()).map(g -> Wave.group(g).unit(trial)).toList();
    }

    /**
     * The unit named by run-unit's options: level 0 is the dense unit; pruned levels need a mode (or a single-mode
     * spec) and an arm.
     *
     * @param spec  the experiment, for its modes
     * @param trial the trial's number, from 0
     * @param mode  {@code iterative} or {@code oneshot}; null when the experiment has a single mode
     * @param arm   a registered control's name; null for the ticket
     * @param level the pruning level; 0 for the dense unit (then mode and arm are ignored)
     * @return the unit; a missing mode or an unknown mode or arm is a one-line {@link UserError}
     */
    public static Unit unit(ExperimentSpec spec, int trial, String mode, String arm, int level) {
        if (level == 0) return new Unit.Dense(trial);
        PruningMode m;
        if (mode != null) {
            m = PruningMode.parse(mode);
        } else if (spec.modes().size() == 1) {
            m = spec.modes().getFirst();
        } else {
            throw new UserError("--mode is required: the experiment prunes " + spec.modes().size() + " ways");
        }
        return new Unit.Pruned(trial, m, Controls.get(arm == null ? Controls.TICKET.name() : arm), level);
    }
}
