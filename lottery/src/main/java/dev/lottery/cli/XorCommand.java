package dev.lottery.cli;

import dev.lottery.nn.UserError;
import dev.lottery.xor.XorExperiment;
import dev.lottery.xor.XorReport;
import dev.lottery.xor.XorTables;
import dev.lottery.xor.XorTrainer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code lottery xor}: the paper's XOR appendix (Figures 9 and 10), printed beside the paper's numbers. */
@Command(name = "xor", mixinStandardHelpOptions = true,
        description = "Reproduce the XOR appendix (Figures 9 and 10): random networks of 10..2 hidden units beside winning"
                + " tickets pruned from ten-unit networks by the magnitude of their input weights, their output weights or both.")
public final class XorCommand implements Callable<Integer>, ValidatedOptions {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--trials", defaultValue = "1000", description = "Random networks per configuration (default: ${DEFAULT-VALUE}).")
    int trials;

    @Option(names = "--seed", defaultValue = "0", description = "Experiment seed: every network is keyed by this seed and its trial (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--iterations", defaultValue = "10000", description = "Full-batch gradient-descent iterations (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--lr", defaultValue = "1.0", description = "Learning rate (default: ${DEFAULT-VALUE}; see docs/xor.md).")
    float learningRate;

    @Option(names = "--out", description = "Directory for figure9.csv and figure10.csv.")
    Path out;

    @Override
    public void validateOptions() {
        OptionChecks.positive("--trials", trials);
        OptionChecks.nonNegative("--iterations", iterations);
        if (!(learningRate > 0) || Float.isInfinite(learningRate)) throw new UserError("--lr must be a positive number, got " + learningRate);
        if (out != null) OptionChecks.writableDirectory("--out", out);
    }

    @Override
    public Integer call() {
        PrintWriter w = spec.commandLine().getOut();
        long start = System.nanoTime();
        XorTables ours = new XorExperiment(seed, trials, new XorTrainer(iterations, learningRate)).run();
        double seconds = (System.nanoTime() - start) / 1e9;
        w.printf(Locale.ROOT, "XOR appendix: %d trials per configuration, %d iterations, lr %s, seed %d%n%n",
                trials, iterations, learningRate, seed);
        w.print(XorReport.format(ours, XorTables.PAPER));
        if (out != null) {
            XorReport.writeCsv(ours, XorTables.PAPER, out);
            w.println("\nwrote " + out.resolve("figure9.csv") + " and " + out.resolve("figure10.csv"));
        }
        w.printf(Locale.ROOT, "%nwall time %.2f s on %d cores%n", seconds, Runtime.getRuntime().availableProcessors());
        w.flush();
        return 0;
    }
}
