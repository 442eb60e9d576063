package dev.lottery.cli;

import dev.lottery.experiment.Concurrency;
import dev.lottery.experiment.PopulationSize;
import dev.lottery.experiment.ResultsStore;
import dev.lottery.experiment.Unit;
import dev.lottery.experiment.slurm.UnitJob;
import dev.lottery.nn.UserError;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lottery experiment run-unit} (hidden): runs units of one trial of an experiment and exits — what the job
 * scripts of {@code experiment submit} run on the nodes: one unit ({@code --level}, {@code --mode}, {@code --arm}) or
 * several ({@code --units}), trained together as populations. The experiment is the one whose manifest is in
 * {@code --results}: its settings are read back from there, so a job can never run other settings. Exit 0 when the
 * units are complete (now or before), 2 when they cannot run (no manifest, a dependency is not complete), 1 on a crash.
 */
@Command(name = "run-unit", hidden = true, mixinStandardHelpOptions = true,
        description = "Run units of one trial of an experiment and exit (used by cluster jobs).")
public final class RunUnitCommand implements Callable<Integer>, ValidatedOptions {
    @Option(names = "--results", required = true, description = "The experiment directory (holds manifest.json).")
    Path results;

    @Option(names = "--trial", required = true, description = "Trial index.")
    int trial;

    @Option(names = "--level", description = "Pruning level of the one unit to run (0 = the dense network).")
    Integer level;

    @Option(names = "--units", paramLabel = "GROUPS", description = "Several units, by group name, comma-separated (e.g. iterative-ticket-l02,iterative-reinit-l01).")
    String units;

    @Option(names = "--population", defaultValue = "auto", paramLabel = "N|auto", description = "Units trained at once (default: ${DEFAULT-VALUE}).")
    String population;

    @Option(names = "--concurrency", defaultValue = "auto", paramLabel = "N|auto",
            description = "Populations trained side by side on the CPU: up to N at a time, each on its share of the threads "
                    + "(auto: one per thread; default: ${DEFAULT-VALUE}).")
    String concurrency;

    @Option(names = "--mode", description = "iterative or oneshot (default: the experiment's only mode).")
    String mode;

    @Option(names = "--arm", defaultValue = "ticket", description = "What is trained, e.g. ticket or reinit (default: ${DEFAULT-VALUE}).")
    String arm;

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu or cuda (default: ${DEFAULT-VALUE}).")
    String device;

    @Mixin
    ThreadsOption threads = new ThreadsOption();

    @Option(names = "--data-dir", description = "Data cache directory (default: $LOTTERY_DATA or ~/.cache/lottery/data).")
    Path dataDir;

    @Option(names = "--checkpoint-every", defaultValue = "0", description = "Save a training checkpoint every N iterations (0 = none; default: ${DEFAULT-VALUE}).")
    long checkpointEvery;

    @Override
    public void validateOptions() {
        OptionChecks.nonNegative("--trial", trial);
        if (level != null) OptionChecks.nonNegative("--level", level);
        if ((level == null) == (units == null)) throw new UserError("run-unit needs either --level (one unit) or --units");
        if (units != null) UnitJob.units(units, trial);
        else UnitJob.unit(ResultsStore.existing(results).spec(), trial, mode, arm, level);
        PopulationSize.parse(population);
        Concurrency.parse(concurrency);
        threads.backendOptions(device);
        OptionChecks.nonNegative("--checkpoint-every", checkpointEvery);
        OptionChecks.writableDirectory("--results", results);
        if (dataDir != null) OptionChecks.directoryOrCreatable("--data-dir", dataDir);
    }

    @Override
    public Integer call() {
        List<Unit> selected = units != null ? UnitJob.units(units, trial)
                : List.of(UnitJob.unit(ResultsStore.existing(results).spec(), trial, mode, arm, level));
        UnitJob.run(results, selected, PopulationSize.parse(population), Concurrency.parse(concurrency), threads.backendOptions(device),
                dataDir, checkpointEvery, System.err);
        return 0;
    }
}
