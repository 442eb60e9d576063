package dev.lottery.cli;

import dev.lottery.nn.data.DataSets;
import dev.lottery.nn.data.DatasetName;
import dev.lottery.nn.train.ResidentData;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lottery fetch}: brings a data set into the cache ahead of time — fetched, checked against its pinned
 * checksums, damaged files moved aside and fetched again, and prepared for memory-mapping — for a machine (or a shared
 * cache for cluster nodes) that should not fetch during a run, and to finish a repair that could not reach a source.
 */
@Command(name = "fetch", mixinStandardHelpOptions = true,
        description = "Fetch a data set into the cache, check it, repair damaged files and prepare it for fast loading.")
public final class FetchCommand implements Callable<Integer>, ValidatedOptions {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dataset", defaultValue = "mnist", description = "mnist, fashion-mnist or cifar10 (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--data-dir", description = "Data cache directory (default: $LOTTERY_DATA or ~/.cache/lottery/data).")
    Path dataDir;

    @Override
    public void validateOptions() {
        DatasetName.parse(dataset);
        if (dataDir != null) OptionChecks.writableDirectory("--data-dir", dataDir);
    }

    @Override
    public Integer call() {
        DatasetName name = DatasetName.parse(dataset);
        ResidentData.Prepared p = ResidentData.prepare(name, dataDir, line -> System.err.println("[data] " + line));
        PrintWriter out = spec.commandLine().getOut();
        Path dir = DataSets.datasetDir(name, dataDir);
        if (p.raw() == null) {
            out.printf(Locale.ROOT, "%s: %,d training and %,d test examples in %s, prepared in %s%n", name.cliName(),
                    p.train().header().count(), p.test().header().count(), dir, p.train().file().getParent());
        } else {
            out.printf(Locale.ROOT, "%s: %,d training and %,d test examples in %s (no prepared copy: the folder is not writable)%n",
                    name.cliName(), p.raw().train().count(), p.raw().test().count(), dir);
        }
        out.flush();
        return 0;
    }
}
