package dev.lottery.cli;

import dev.lottery.experiment.Concurrency;
import dev.lottery.experiment.Experiment;
import dev.lottery.experiment.ExperimentSpec;
import dev.lottery.experiment.PopulationSize;
import dev.lottery.experiment.ResultsStore;
import dev.lottery.experiment.Unit;
import dev.lottery.experiment.slurm.JavaLauncher;
import dev.lottery.experiment.slurm.SlurmClient;
import dev.lottery.experiment.slurm.SlurmResources;
import dev.lottery.experiment.slurm.SlurmSettings;
import dev.lottery.experiment.slurm.SlurmSubmitter;
import dev.lottery.experiment.slurm.SweepMonitor;
import dev.lottery.experiment.slurm.UnitGroup;
import dev.lottery.nn.UserError;
import dev.lottery.nn.backend.DeviceChoice;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lottery experiment submit --engine slurm}: one Slurm job array per (mode, arm, level) over the trials,
 * chained by dependencies; prints the job ids and returns (or waits with {@code --wait}). {@code --engine local}
 * runs the same units here, like {@code experiment run}. See docs/slurm.md.
 */
@Command(name = "submit", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Submit an experiment's units as cluster jobs (Slurm job arrays with dependencies), or run them locally.")
public final class SubmitCommand implements Callable<Integer>, ValidatedOptions {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ExperimentCommand.SpecOptions options = new ExperimentCommand.SpecOptions();

    @Option(names = "--engine", defaultValue = "slurm", description = "slurm or local (default: ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu or cuda, on the nodes (default: ${DEFAULT-VALUE}).")
    String device;

    @Mixin
    ThreadsOption threads = new ThreadsOption();

    @Option(names = "--data-dir", description = "Data cache directory as the nodes see it (default: theirs, $LOTTERY_DATA or ~/.cache/lottery/data).")
    Path dataDir;

    @Option(names = "--population", defaultValue = "auto", paramLabel = "N|auto",
            description = "Train up to N of a job's ready units at once as one population (auto: as many as fit in memory; one "
                    + "each when populations train side by side on the CPU; default: ${DEFAULT-VALUE}).")
    String population;

    @Option(names = "--concurrency", defaultValue = "auto", paramLabel = "N|auto",
            description = "Populations of a job trained side by side on a CPU node: up to N at a time, each on its share of the "
                    + "threads (auto: one per thread; default: ${DEFAULT-VALUE}).")
    String concurrency;

    @Option(names = "--profile", description = "Slurm resources file: key=value lines or one JSON object, keys named like the flags below (memory for --mem, sbatch for --sbatch-opt).")
    Path profile;

    @Option(names = "--partition", description = "Slurm partition.")
    String partition;

    @Option(names = "--account", description = "Slurm account.")
    String account;

    @Option(names = "--gres", description = "Generic resources per job, e.g. gpu:1.")
    String gres;

    @Option(names = "--gpus", description = "GPUs per job (shorthand for --gres=gpu:N).")
    Integer gpus;

    @Option(names = "--cpus", description = "CPUs per job.")
    Integer cpus;

    @Option(names = "--mem", description = "Memory per job, e.g. 8G.")
    String memory;

    @Option(names = "--time", description = "Time limit per job, e.g. 01:00:00.")
    String time;

    @Option(names = "--qos", description = "Slurm quality of service.")
    String qos;

    @Option(names = "--sbatch-opt", description = "Another sbatch option for every job (repeatable): e.g. --sbatch-opt=--exclusive.")
    List<String> sbatchOptions = new ArrayList<>();

    @Option(names = "--java", description = "java executable on the nodes (default: this one).")
    Path java;

    @Option(names = "--jar", description = "lottery-cli.jar on the nodes (default: the jar running now, else this class path).")
    Path jar;

    @Option(names = "--jvm-opt", description = "JVM option for the jobs (repeatable; replaces the options passed on by default, see docs/slurm.md).")
    List<String> jvmOptions;

    @Option(names = "--attempts", defaultValue = "2", description = "Tries per unit within its job before it is recorded as failed (default: ${DEFAULT-VALUE}).")
    int attempts;

    @Option(names = "--checkpoint-every", defaultValue = "500", description = "Training checkpoint interval in iterations (default: ${DEFAULT-VALUE}).")
    long checkpointEvery;

    @Option(names = "--wait", description = "Wait until every job has left the queue, then report failed units.")
    boolean await;

    @Override
    public void validateOptions() {
        options.build();
        if (!engine.equals("local") && !engine.equals("slurm")) throw unknownEngine();
        threads.backendOptions(device);
        PopulationSize.parse(population);
        Concurrency.parse(concurrency);
        OptionChecks.writableDirectory("--results", options.results);
        if (engine.equals("local") && dataDir != null) OptionChecks.directoryOrCreatable("--data-dir", dataDir);
        if (profile != null) OptionChecks.readableFile("--profile", profile);
        if (gpus != null) OptionChecks.positive("--gpus", gpus);
        resources();
        OptionChecks.positive("--attempts", attempts);
        OptionChecks.positive("--checkpoint-every", checkpointEvery);
    }

    private UserError unknownEngine() {
        return new UserError("unknown engine '" + engine + "' (expected slurm or local)");
    }

    /** The Slurm resources of the flags over those of the profile (flags win). */
    private SlurmResources resources() {
        SlurmResources flags = new SlurmResources(partition, account, gpus != null ? "gpu:" + gpus : gres, cpus, memory, time, qos, sbatchOptions);
        return profile == null ? flags : flags.over(SlurmResources.readProfile(profile));
    }

    @Override
    public Integer call() throws InterruptedException {
        ExperimentSpec s = options.build();
        PopulationSize size = PopulationSize.parse(population);
        PrintWriter out = spec.commandLine().getOut();
        switch (engine) {
            case "local" -> {
                Path dir = Experiment.of(s).on(threads.backendOptions(device)).withDataDir(dataDir).withPopulation(size)
                        .withConcurrency(Concurrency.parse(concurrency)).run(options.results, new ExperimentCommand.Progress(System.err));
                out.println("results: " + dir);
                out.flush();
                return 0;
            }
            case "slurm" -> {
                return submit(s, out);
            }
            default -> throw unknownEngine();
        }
    }

    private int submit(ExperimentSpec s, PrintWriter out) throws InterruptedException {
        DeviceChoice.parse(device);
        SlurmClient client = new SlurmClient();
        client.unavailableReason().ifPresent(why -> {
            throw new UserError("cannot submit to Slurm: " + why);
        });
        SlurmResources resources = resources();
        JavaLauncher launcher = JavaLauncher.current();
        if (java != null) launcher = launcher.withJava(java.toAbsolutePath());
        if (jar != null) launcher = launcher.withJar(jar.toAbsolutePath());
        if (jvmOptions != null) {
            List<String> o = new ArrayList<>(JavaLauncher.REQUIRED_OPTIONS);
            o.addAll(jvmOptions);
            launcher = launcher.withJvmOptions(o);
        }
        ResultsStore store = ResultsStore.open(options.results, s);
        List<Unit> units = store.plan();
        SlurmSettings settings = new SlurmSettings(launcher, resources, runOptions(), attempts, checkpointEvery);
        SlurmSubmitter.Submission sub = new SlurmSubmitter(client, settings).submit(units, store);
        long pending = units.stream().filter(u -> !store.isDone(u)).count();
        out.println("results: " + store.dir());
        if (sub.jobs().isEmpty()) {
            out.println("every unit is already complete; nothing submitted");
        } else {
            out.println("submitted " + sub.jobs().size() + " job arrays for " + pending + " pending units:");
            for (SlurmSubmitter.SubmittedJob j : sub.jobs()) {
                String groups = j.wave().groups().size() == 1 ? "" : " (" + j.wave().groups().stream().map(UnitGroup::name).collect(Collectors.joining(", ")) + ")";
                out.println("  " + j.jobId() + "  " + j.wave().name() + groups + "  trials " + j.trials() + "  log " + j.logPattern());
            }
            out.println("status: lottery experiment status " + store.dir());
        }
        out.flush();
        if (!await || sub.jobs().isEmpty()) return 0;
        new SweepMonitor(client, Duration.ofSeconds(5)).await(sub.jobIds(), Duration.ofDays(365));
        ExperimentCommand.printStatus(store, out); // lists failed units with their logs
        out.flush();
        return units.stream().allMatch(store::isDone) ? 0 : 1;
    }

    /** The {@code run-unit} options every job gets besides the unit: where it runs and where its data is. */
    private List<String> runOptions() {
        List<String> args = new ArrayList<>(List.of("--device", device, "--population", population, "--concurrency", concurrency));
        args.addAll(threads.asArguments());
        if (dataDir != null) args.addAll(List.of("--data-dir", dataDir.toAbsolutePath().toString()));
        return args;
    }
}
