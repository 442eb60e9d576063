package dev.lottery.cli;

import dev.lottery.experiment.Experiment;
import dev.lottery.experiment.ExperimentListener;
import dev.lottery.experiment.ExperimentPresets;
import dev.lottery.experiment.ExperimentSpec;
import dev.lottery.experiment.ResultsStore;
import dev.lottery.experiment.Unit;
import dev.lottery.nn.UserError;
import dev.lottery.nn.backend.DeviceChoice;
import dev.lottery.nn.train.TrainingListener;
import dev.lottery.nn.train.TrainingSpec;
import dev.lottery.report.Report;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lottery experiment run|status|report|list}: lottery-ticket experiments with resumable results. */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = "Run, inspect and report lottery-ticket experiments (iterative/one-shot pruning with controls).",
        subcommands = {ExperimentCommand.Run.class, ExperimentCommand.Status.class, ExperimentCommand.ReportCmd.class,
                ExperimentCommand.ListPresets.class, SubmitCommand.class, RunUnitCommand.class})
public final class ExperimentCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Which experiment: a preset with overrides; together they decide the results directory. */
    static final class SpecOptions {
        @Option(names = {"-p", "--preset"}, defaultValue = "lenet-quick", description = "Experiment preset (default: ${DEFAULT-VALUE}; see 'experiment list').")
        String preset;

        @Option(names = "--results", defaultValue = "results", description = "Results root, or an experiment directory to resume (default: ${DEFAULT-VALUE}).")
        Path results;

        @Option(names = "--trials", description = "Independent trials (default: the preset's).")
        Integer trials;

        @Option(names = "--levels", description = "Pruning levels after the dense level 0 (default: the preset's).")
        Integer levels;

        @Option(names = "--iterations", description = "Training iterations per network (default: the preset's).")
        Long iterations;

        @Option(names = "--seed", description = "Experiment seed (default: the preset's).")
        Long seed;

        @Option(names = "--dataset", description = "Run the preset on another data set, e.g. fashion-mnist (default: the preset's; conv models are rebuilt for its input shape).")
        String dataset;

        @Option(names = "--reset", description = "init (reset to θ0, the paper) or an iteration to rewind to (late resetting).")
        String reset;

        ExperimentSpec build() {
            ExperimentSpec s = ExperimentPresets.get(preset);
            if (dataset != null) s = ExperimentPresets.onDataset(s, dev.lottery.nn.data.DatasetName.parse(dataset));
            if (trials != null) s = s.withTrials(trials);
            if (levels != null) s = s.withLevels(levels);
            if (seed != null) s = s.withSeed(seed);
            if (iterations != null) {
                TrainingSpec t = s.training();
                s = s.withTraining(new TrainingSpec(t.optimizer(), t.batchSize(), iterations, t.evalEvery(), t.validationSize(), t.augmentation()));
            }
            if (reset != null) s = s.withReset(parseReset(reset));
            return s;
        }

        /** The experiment directory these options name (the results root itself when it holds a manifest). */
        Path directory(ExperimentSpec s) {
            return Files.isRegularFile(results.resolve(ResultsStore.MANIFEST)) ? results : results.resolve(s.directoryName());
        }
    }

    static dev.lottery.experiment.ResetMode parseReset(String s) {
        if (s.trim().equals("init")) return new dev.lottery.experiment.ResetMode.ToInit();
        try {
            return new dev.lottery.experiment.ResetMode.Rewind(Long.parseLong(s.trim()));
        } catch (NumberFormatException e) {
            throw new UserError("bad --reset '" + s + "' (expected init or an iteration such as 500)");
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Run an experiment, or resume it where it stopped.")
    static final class Run implements Callable<Integer>, ValidatedOptions {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        SpecOptions options = new SpecOptions();

        @Option(names = "--device", defaultValue = "auto", description = "auto, cpu or cuda (default: ${DEFAULT-VALUE}).")
        String device;

        @Option(names = "--data-dir", description = "Data cache directory (default: $LOTTERY_DATA or ~/.cache/lottery/data).")
        Path dataDir;

        @Option(names = "--no-report", description = "Do not write the plots and table at the end.")
        boolean noReport;

        @Override
        public void validateOptions() {
            options.build();
            DeviceChoice.parse(device);
            OptionChecks.writableDirectory("--results", options.results);
            if (dataDir != null) OptionChecks.directoryOrCreatable("--data-dir", dataDir);
        }

        @Override
        public Integer call() {
            ExperimentSpec s = options.build();
            PrintWriter out = spec.commandLine().getOut();
            Path dir = Experiment.of(s).on(DeviceChoice.parse(device)).withDataDir(dataDir)
                    .run(options.results, new Progress(System.err));
            out.println("results: " + dir);
            if (!noReport) {
                List<Path> files = Report.write(dir);
                out.println("report: " + files.getFirst().getParent().resolve("report.md"));
            }
            out.flush();
            return 0;
        }
    }

    /** An existing experiment: the directory given as DIR, or the one the preset options name. */
    static final class ExperimentDirectory {
        @Mixin
        SpecOptions options = new SpecOptions();

        @Parameters(arity = "0..1", paramLabel = "DIR", description = "Experiment directory (instead of --preset/--results).")
        Path dir;

        Path resolve() {
            return dir != null ? dir : options.directory(options.build());
        }

        /** The directory must hold an experiment (its manifest); nothing is written. */
        void validate() {
            ResultsStore.existing(resolve());
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Show which units of an experiment are done, partial or pending.")
    static final class Status implements Callable<Integer>, ValidatedOptions {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        ExperimentDirectory target = new ExperimentDirectory();

        @Override
        public void validateOptions() {
            target.validate();
        }

        @Override
        public Integer call() {
            printStatus(ResultsStore.existing(target.resolve()), spec.commandLine().getOut());
            return 0;
        }
    }

    static void printStatus(ResultsStore store, PrintWriter out) {
        Map<String, String> settings = store.settings();
        out.println(store.dir() + ": " + settings.get("name") + ", " + settings.get("modes") + ", arms " + settings.get("arms")
                + ", " + settings.get("levels") + " levels, " + settings.get("trials") + " trials");
        List<Unit> units = store.plan();
        int[] counts = new int[ResultsStore.UnitState.values().length];
        for (Unit u : units) {
            ResultsStore.UnitState st = store.state(u);
            counts[st.ordinal()]++;
            out.printf(Locale.ROOT, "  %-8s %s%n", st.name().toLowerCase(Locale.ROOT), u.path());
        }
        out.printf(Locale.ROOT, "%d units: %d done, %d partial, %d pending%n", units.size(),
                counts[ResultsStore.UnitState.DONE.ordinal()], counts[ResultsStore.UnitState.PARTIAL.ordinal()],
                counts[ResultsStore.UnitState.PENDING.ordinal()]);
        // Units whose cluster job used up its attempts (docs/slurm.md), each with its log.
        for (var f : dev.lottery.experiment.slurm.FailedUnit.read(store.dir())) out.println("failed: " + f.describe());
        out.flush();
    }

    @Command(name = "report", mixinStandardHelpOptions = true, description = "Write the plots (Figures 2, 3, 8) and a Markdown table; works on partial results.")
    static final class ReportCmd implements Callable<Integer>, ValidatedOptions {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        ExperimentDirectory target = new ExperimentDirectory();

        @Override
        public void validateOptions() {
            target.validate();
        }

        @Override
        public Integer call() {
            ReportCommand.writeAndPrint(target.resolve(), spec.commandLine().getOut());
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the experiment presets.")
    static final class ListPresets implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            for (String n : ExperimentPresets.names()) {
                out.println(n + ": " + ExperimentPresets.description(n));
                out.println("    directory name: " + ExperimentPresets.get(n).directoryName());
            }
            out.flush();
            return 0;
        }
    }

    /** Progress on stderr: a line per unit (which, how far through the experiment, ETA) and a bar per training run. */
    static final class Progress implements ExperimentListener {
        private final PrintStream err;
        private int remaining;
        private int ran;
        private double seconds;

        Progress(PrintStream err) {
            this.err = err;
        }

        @Override
        public void onStart(ExperimentSpec spec, Path dir, int units, int alreadyDone) {
            remaining = units - alreadyDone;
            err.println("experiment " + spec.name() + " -> " + dir + ": " + units + " units, " + alreadyDone + " already done");
        }

        @Override
        public void onBackend(String line) {
            err.println(line);
        }

        @Override
        public TrainingListener onUnitStart(Unit unit, int index, int units) {
            String eta = ran == 0 ? "" : " ETA " + ProgressBar.duration(seconds / ran * remaining);
            err.printf(Locale.ROOT, "[%d/%d] %s%s%n", index + 1, units, unit.label(), eta);
            return new ProgressBar(err, "  " + unit.path());
        }

        @Override
        public void onUnitDone(Unit unit, UnitOutcome o) {
            ran++;
            remaining--;
            seconds += o.seconds();
            err.printf(Locale.ROOT, "  %.2f%% of weights remain: test accuracy final %.2f%%, best %.2f%% (%.1f s)%n",
                    o.remainingFraction() * 100, o.finalTestAccuracy() * 100, o.bestTestAccuracy() * 100, o.seconds());
        }
    }
}
