package dev.lottery.cli;

import dev.lottery.nn.UserError;
import dev.lottery.nn.backend.cpu.CpuKernels;
import dev.lottery.xor.XorCriteria;
import dev.lottery.xor.XorExperiment;
import dev.lottery.xor.XorFit;
import dev.lottery.xor.XorReport;
import dev.lottery.xor.XorSetting;
import dev.lottery.xor.XorSweep;
import dev.lottery.xor.XorTables;
import dev.lottery.xor.XorTrainer;
import dev.lottery.xor.XorTraining;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code lottery xor}: the paper's XOR appendix (Figures 9 and 10), printed beside the paper's numbers. */
@Command(name = "xor", mixinStandardHelpOptions = true,
        description = {"Reproduce the paper's XOR appendix (Figures 9 and 10) beside the paper's numbers.",
                "With --sweep, score a grid of the training choices the paper leaves open against both figures."})
public final class XorCommand implements Callable<Integer>, ValidatedOptions {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--trials", defaultValue = "1000", description = "Random networks per configuration (default: ${DEFAULT-VALUE}).")
    int trials;

    @Option(names = "--seed", defaultValue = "0", description = "Experiment seed: every network is keyed by this seed and its trial (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--iterations", defaultValue = "10000", description = "Full-batch training iterations (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--setting", paramLabel = "adam|gd",
            description = "Named training and success criteria; the options below override parts of it (default: adam; see docs/xor.md).")
    String setting;

    @Option(names = "--optimizer", paramLabel = "gd|adam", description = "Optimizer (default: the setting's).")
    String optimizer;

    @Option(names = "--lr", paramLabel = "RATE", description = "Learning rate (default: 1.0 for gd, 0.003 for adam).")
    Float learningRate;

    @Option(names = "--loss", paramLabel = "mean|sum", description = "Loss over the four points (default: mean).")
    String reduction;

    @Option(names = "--relu-slope-at-zero", paramLabel = "0|1", description = "The value taken for ReLU'(0) (default: 0).")
    Integer reluSlopeAtZero;

    @Option(names = "--decision-boundary", paramLabel = "points|ties|corners", description = "How a found decision boundary is judged (default: the setting's).")
    String decisionBoundary;

    @Option(names = "--zero-loss", paramLabel = "tolerance|float32", description = "How zero loss is judged (default: the setting's).")
    String zeroLoss;

    @Option(names = "--sweep", description = "Run the grid of settings and criteria instead (ranked by their fit to the paper).")
    boolean sweep;

    @Option(names = "--out", description = "Directory to write figure9.csv and figure10.csv to (with --sweep: sweep.csv).")
    Path out;

    @Override
    public void validateOptions() {
        if (!CpuKernels.vectorModulePresent()) {
            throw new UserError("xor trains with the Vector API: run java with --add-modules jdk.incubator.vector");
        }
        OptionChecks.positive("--trials", trials);
        OptionChecks.nonNegative("--iterations", iterations);
        if (setting != null) XorSetting.parse(setting);
        training(XorSetting.DEFAULT.training(iterations));
        if (decisionBoundary != null) XorCriteria.DecisionBoundary.parse(decisionBoundary);
        if (zeroLoss != null) XorCriteria.ZeroLoss.parse(zeroLoss);
        if (out != null) OptionChecks.writableDirectory("--out", out);
    }

    @Override
    public Integer call() {
        return sweep ? sweep() : single();
    }

    private int single() {
        XorSetting named = setting == null ? XorSetting.DEFAULT : XorSetting.parse(setting);
        XorTraining training = training(named.training(iterations));
        XorCriteria criteria = new XorCriteria(
                decisionBoundary == null ? named.criteria().decisionBoundary() : XorCriteria.DecisionBoundary.parse(decisionBoundary),
                zeroLoss == null ? named.criteria().zeroLoss() : XorCriteria.ZeroLoss.parse(zeroLoss));
        PrintWriter w = spec.commandLine().getOut();
        long start = System.nanoTime();
        XorTables ours = new XorExperiment(seed, trials, new XorTrainer(training)).run(criteria);
        double seconds = (System.nanoTime() - start) / 1e9;
        w.printf(Locale.ROOT, "XOR appendix: %d trials per configuration, seed %d, %s; %s%n%n",
                trials, seed, training.describe(), criteria.describe());
        w.print(XorReport.format(ours, XorTables.PAPER));
        if (out != null) {
            XorReport.writeCsv(ours, XorTables.PAPER, out);
            w.println("\nwrote " + out.resolve("figure9.csv") + " and " + out.resolve("figure10.csv"));
        }
        printWallTime(w, seconds);
        return 0;
    }

    /** The setting's training with whatever the options override; a new optimizer brings its own default rate. */
    private XorTraining training(XorTraining d) {
        XorTraining.Optimizer opt = optimizer == null ? d.optimizer() : XorTraining.Optimizer.parse(optimizer);
        float lr = learningRate != null ? learningRate : opt.defaultLearningRate();
        if (!(lr > 0) || Float.isInfinite(lr)) throw new UserError("--lr must be a positive number, got " + lr);
        int slope = reluSlopeAtZero == null ? d.reluSlopeAtZero() : reluSlopeAtZero;
        if (slope != 0 && slope != 1) throw new UserError("--relu-slope-at-zero must be 0 or 1, got " + slope);
        XorTraining.Reduction r = reduction == null ? d.reduction() : XorTraining.Reduction.parse(reduction);
        return new XorTraining(opt, lr, r, slope, iterations);
    }

    private int sweep() {
        if (setting != null || optimizer != null || learningRate != null
                || reduction != null || reluSlopeAtZero != null || decisionBoundary != null || zeroLoss != null) {
            throw new UserError("--sweep runs its own grid of optimizers, rates, losses, ReLU'(0) and criteria; drop those options");
        }
        PrintWriter w = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        List<XorTraining> grid = XorSweep.trainings(iterations);
        w.printf(Locale.ROOT, "XOR sweep: %d training settings x %d criteria, %d trials per configuration, seed %d, %d iterations%n",
                grid.size(), XorSweep.CRITERIA.size(), trials, seed, iterations);
        w.flush();
        long start = System.nanoTime();
        List<XorSweep.Cell> cells = XorSweep.run(seed, trials, grid, line -> {
            err.println(line);
            err.flush();
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        w.printf(Locale.ROOT, "Best fit first: both Figure 9 columns within %.0f points of the paper's, ranked by Figure 10's order;"
                + " then the rest by deviation.%n", XorFit.TARGET);
        w.print(XorReport.formatSweep(cells));
        if (out != null) {
            XorReport.writeSweepCsv(cells, out);
            w.println("\nwrote " + out.resolve("sweep.csv"));
        }
        printWallTime(w, seconds);
        return 0;
    }

    private static void printWallTime(PrintWriter w, double seconds) {
        w.printf(Locale.ROOT, "%nwall time %.2f s on %d cores%n", seconds, Runtime.getRuntime().availableProcessors());
        w.flush();
    }
}
