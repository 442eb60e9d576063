package dev.lottery.cli;

import dev.lottery.nn.backend.Backends;
import dev.lottery.nn.backend.DeviceChoice;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lottery warm-up} (hidden): a short run of what a command's first seconds consist of — options parsed, the
 * backend selected (with the CUDA probe), lenet-300-100 trained and evaluated on the CPU on random data. Its only
 * output is what the JVM learns from it: {@code lottery.sh} runs it once per build with {@code -XX:AOTCacheOutput}
 * to record the ahead-of-time cache (the classes it loads) that later starts use. A few iterations load every class a
 * training run needs; more add nothing to the cache, since the JVM drops the method profiles while an incubator
 * module (the Vector API) is in the boot layer.
 */
@Command(name = "warm-up", hidden = true, mixinStandardHelpOptions = true,
        description = "Run a short representative workload (for recording the JVM's ahead-of-time cache).")
public final class WarmUpCommand implements Callable<Integer>, ValidatedOptions {
    @Option(names = "--iterations", defaultValue = "10", description = "Training iterations (default: ${DEFAULT-VALUE}).")
    long iterations;

    @Override
    public void validateOptions() {
        OptionChecks.positive("--iterations", iterations);
    }

    @Override
    public Integer call() {
        Backends.select(DeviceChoice.AUTO).backend().close();
        WarmUp.run(iterations);
        return 0;
    }
}
