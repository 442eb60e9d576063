package dev.lottery.cli;

import dev.lottery.experiment.ExperimentSpec;
import dev.lottery.experiment.slurm.UnitJob;
import dev.lottery.nn.backend.DeviceChoice;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lottery experiment run-unit} (hidden): runs exactly one unit of an experiment and exits — what the job
 * scripts of {@code experiment submit} run on the nodes. Exit 0 when the unit is complete (now or before), 2 when it
 * cannot run (settings differ from the manifest, a dependency is not complete), 1 on a crash.
 */
@Command(name = "run-unit", hidden = true, mixinStandardHelpOptions = true,
        description = "Run one unit (trial, mode, arm, level) of an experiment and exit (used by cluster jobs).")
public final class RunUnitCommand implements Callable<Integer>, ValidatedOptions {
    @Mixin
    ExperimentCommand.SpecOptions options = new ExperimentCommand.SpecOptions();

    @Option(names = "--trial", required = true, description = "Trial index.")
    int trial;

    @Option(names = "--level", required = true, description = "Pruning level (0 = the dense network).")
    int level;

    @Option(names = "--mode", description = "iterative or oneshot (default: the experiment's only mode).")
    String mode;

    @Option(names = "--arm", defaultValue = "ticket", description = "ticket, reinit or rearrange (default: ${DEFAULT-VALUE}).")
    String arm;

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu or cuda (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--data-dir", description = "Data cache directory (default: $LOTTERY_DATA or ~/.cache/lottery/data).")
    Path dataDir;

    @Option(names = "--checkpoint-every", defaultValue = "0", description = "Save a training checkpoint every N iterations (0 = none; default: ${DEFAULT-VALUE}).")
    long checkpointEvery;

    @Override
    public void validateOptions() {
        OptionChecks.nonNegative("--trial", trial);
        OptionChecks.nonNegative("--level", level);
        UnitJob.unit(options.build(), trial, mode, arm, level);
        DeviceChoice.parse(device);
        OptionChecks.nonNegative("--checkpoint-every", checkpointEvery);
        OptionChecks.writableDirectory("--results", options.results);
        if (dataDir != null) OptionChecks.directoryOrCreatable("--data-dir", dataDir);
    }

    @Override
    public Integer call() {
        ExperimentSpec s = options.build();
        UnitJob.run(s, options.results, UnitJob.unit(s, trial, mode, arm, level), DeviceChoice.parse(device), dataDir,
                checkpointEvery, System.err);
        return 0;
    }
}
