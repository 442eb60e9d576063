package dev.lottery.cli;

import dev.lottery.experiment.Concurrency;
import dev.lottery.experiment.Experiment;
import dev.lottery.experiment.ExperimentListener;
import dev.lottery.experiment.PopulationSize;
import dev.lottery.experiment.ExperimentPresets;
import dev.lottery.experiment.ExperimentSettings;
import dev.lottery.experiment.ExperimentSpec;
import dev.lottery.experiment.ResultsStore;
import dev.lottery.experiment.Unit;
import dev.lottery.experiment.control.Control;
import dev.lottery.experiment.control.Controls;
import dev.lottery.experiment.slurm.FailedUnit;
import dev.lottery.nn.train.TrainingListener;
import dev.lottery.report.Report;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
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
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Which experiment: a preset, with the options of {@link ExperimentSettings#OPTIONS} over it (added to every
     * command that mixes this in by {@link SettingOptions}); together they decide the results directory.
     */
    @Command(modelTransformer = SpecOptions.SettingOptions.class)
    static final class SpecOptions {
        @Option(names = {"-p", "--preset"}, defaultValue = "lenet-quick", description = "Experiment preset (default: ${DEFAULT-VALUE}; see 'experiment list').")
        String preset;

        @Option(names = "--results", defaultValue = "results", description = "Results root, or an experiment directory to resume (default: ${DEFAULT-VALUE}).")
        Path results;

        /** The setting options given, as typed. */
        private final Map<ExperimentSettings.Option, String> given = new LinkedHashMap<>();

        ExperimentSpec build() {
            ExperimentSpec.Builder b = ExperimentPresets.get(preset).toBuilder();
            for (ExperimentSettings.Option o : ExperimentSettings.OPTIONS) {
                if (given.containsKey(o)) o.apply().accept(b, given.get(o));
            }
            return b.build();
        }

        /** The experiment directory these options name. */
        Path directory(ExperimentSpec s) {
            return ResultsStore.directoryFor(results, s);
        }

        /** Adds one option per entry of {@link ExperimentSettings#OPTIONS} to the command, storing what is typed. */
        public static final class SettingOptions implements CommandLine.IModelTransformer {
            @Override
            public CommandSpec transform(CommandSpec command) {
                SpecOptions options = find(command);
                for (ExperimentSettings.Option o : ExperimentSettings.OPTIONS) {
                    command.addOption(OptionSpec.builder(o.name()).paramLabel(o.form()).type(String.class)
                            .description(o.help().replaceFirst("\\.$", "") + " (default: the preset's).")
                            .setter(new CommandLine.Model.ISetter() {
                                @Override
                                @SuppressWarnings("unchecked")
                                public <T> T set(T value) {
                                    // picocli also sets each option's initial value, null: not given
                                    return (T) (value == null ? options.given.remove(o) : options.given.put(o, (String) value));
                                }
                            }).build());
                }
                return command;
            }

            private static SpecOptions find(CommandSpec spec) {
                if (spec.userObject() instanceof SpecOptions o) return o;
                for (CommandSpec mixin : spec.mixins().values()) {
                    SpecOptions o = find(mixin);
                    if (o != null) return o;
                }
                return null;
            }
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Run an experiment, or resume it where it stopped.")
    static final class Run implements Callable<Integer>, ValidatedOptions {
        @CommandLine.Spec
        CommandSpec spec;

        @Mixin
        SpecOptions options = new SpecOptions();

        @Option(names = "--device", defaultValue = "auto", description = "auto, cpu or cuda (default: ${DEFAULT-VALUE}).")
        String device;

        @Mixin
        ThreadsOption threads = new ThreadsOption();

        @Option(names = "--data-dir", description = "Data cache directory (default: $LOTTERY_DATA or ~/.cache/lottery/data).")
        Path dataDir;

        @Option(names = "--no-report", description = "Do not write the plots and table at the end.")
        boolean noReport;

        @Option(names = "--population", defaultValue = "auto", paramLabel = "N|auto",
                description = "Train up to N ready units at once as one population (auto: as many as fit in memory; one each when "
                        + "populations train side by side on the CPU). Results are the same bits whatever N (default: ${DEFAULT-VALUE}).")
        String population;

        @Option(names = "--concurrency", defaultValue = "auto", paramLabel = "N|auto",
                description = "Populations trained side by side on the CPU: up to N at a time, each on its share of the threads "
                        + "(auto: one per thread). Results are the same bits whatever N (default: ${DEFAULT-VALUE}).")
        String concurrency;

        @Override
        public void validateOptions() {
            options.build();
            threads.backendOptions(device);
            PopulationSize.parse(population);
            Concurrency.parse(concurrency);
            OptionChecks.writableDirectory("--results", options.results);
            if (dataDir != null) OptionChecks.directoryOrCreatable("--data-dir", dataDir);
        }

        @Override
        public Integer call() {
            ExperimentSpec s = options.build();
            PopulationSize size = PopulationSize.parse(population);
            PrintWriter out = spec.commandLine().getOut();
            Path dir = Experiment.of(s).on(threads.backendOptions(device)).withDataDir(dataDir).withPopulation(size)
                    .withConcurrency(Concurrency.parse(concurrency)).run(options.results, new Progress(System.err));
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
        CommandSpec spec;

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
        ExperimentSpec spec = store.spec();
        out.println(store.dir() + ": " + spec.name() + ", " + ExperimentSettings.MODES.write(spec.modes())
                + ", arms " + ExperimentSettings.ARMS.write(spec.arms()) + ", " + spec.levels() + " levels, " + spec.trials() + " trials");
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
        for (FailedUnit f : FailedUnit.read(store.dir())) out.println("failed: " + f.describe());
        out.flush();
    }

    @Command(name = "report", mixinStandardHelpOptions = true, description = "Write the plots (Figures 2, 3, 8) and a Markdown table; works on partial results.")
    static final class ReportCmd implements Callable<Integer>, ValidatedOptions {
        @CommandLine.Spec
        CommandSpec spec;

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

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the experiment presets and the arms they can train.")
    static final class ListPresets implements Callable<Integer> {
        @CommandLine.Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            for (String n : ExperimentPresets.names()) {
                out.println(n + ": " + ExperimentPresets.description(n));
                out.println("    directory name: " + ExperimentPresets.get(n).directoryName());
            }
            out.println();
            out.println("Arms (--arms):");
            for (Control c : Controls.all()) out.println("  " + c.name() + ": " + c.description());
            out.flush();
            return 0;
        }
    }

    /**
     * Progress on stderr: a line per population (its units, how far through the experiment, ETA), a bar for its
     * training, and a line per finished unit.
     */
    static final class Progress implements ExperimentListener {
        private final PrintStream err;
        private int remaining;
        private int ran;
        /** When the run started: the ETA is the wall time per finished unit so far (populations may train side by side). */
        private long startNanos;

        Progress(PrintStream err) {
            this.err = err;
        }

        /**
         * On a terminal, erases the line a progress bar may be drawing on (a population training on another lane), so
         * that this line starts at the left; the bar draws itself again below.
         */
        private void clearBar() {
            if (ProgressBar.onTerminal()) err.print("\r\033[2K");
        }

        @Override
        public void onStart(ExperimentSpec spec, Path dir, int units, int alreadyDone) {
            remaining = units - alreadyDone;
            startNanos = System.nanoTime();
            err.println("experiment " + spec.name() + " -> " + dir + ": " + units + " units, " + alreadyDone + " already done");
        }

        @Override
        public void onBackend(String line) {
            err.println(line);
        }

        @Override
        public TrainingListener onPopulationStart(List<Unit> units, int done, int total) {
            String eta = ran == 0 ? "" : " ETA " + ProgressBar.duration((System.nanoTime() - startNanos) / 1e9 / ran * remaining);
            clearBar();
            if (units.size() == 1) {
                err.printf(Locale.ROOT, "[%d/%d] %s%s%n", done + 1, total, units.getFirst().label(), eta);
                return new ProgressBar(err, "  " + units.getFirst().path());
            }
            err.printf(Locale.ROOT, "[%d-%d/%d] %d units together:%s%n", done + 1, done + units.size(), total, units.size(), eta);
            for (Unit u : units) err.println("  " + u.label());
            return new ProgressBar(err, "  " + units.size() + " units, first " + units.getFirst().path());
        }

        @Override
        public void onUnitDone(Unit unit, UnitOutcome o) {
            ran++;
            remaining--;
            clearBar();
            err.printf(Locale.ROOT, "  %s: %.2f%% of weights remain: test accuracy final %.2f%%, best %.2f%% (%.1f s)%n",
                    unit.path(), o.remainingFraction() * 100, o.finalTestAccuracy() * 100, o.bestTestAccuracy() * 100, o.seconds());
        }
    }
}
