package dev.lottery.cli;

import dev.lottery.nn.model.LayerSpec;
import dev.lottery.nn.model.ModelSpec;
import dev.lottery.nn.model.Preset;
import dev.lottery.nn.model.Presets;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lottery describe --model M}: layers, shapes and parameter counts. */
@Command(name = "describe", mixinStandardHelpOptions = true, description = "Print a model's layers and parameter counts.")
public final class DescribeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, defaultValue = "lenet-300-100", description = "Model preset (default: ${DEFAULT-VALUE}).")
    String model;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Preset p = Presets.get(model);
        ModelSpec m = p.model();
        out.println(p.name() + ": " + p.description());
        out.printf(Locale.ROOT, "  %-8s %-8s %-14s %12s %8s%n", "layer", "kind", "weights", "weights", "biases");
        int in = m.inputFeatures();
        for (LayerSpec l : m.layers()) {
            LayerSpec.Dense d = (LayerSpec.Dense) l;
            out.printf(Locale.ROOT, "  %-8s %-8s %-14s %,12d %,8d%n", d.name(), d.kind().shortName(),
                    d.units() + "x" + in + (d.activation() == dev.lottery.nn.model.Activation.RELU ? " relu" : ""),
                    (long) d.units() * in, d.units());
            in = d.units();
        }
        ModelSpec.ParameterCount c = m.parameterCount();
        out.printf(Locale.ROOT, "  total: %,d weights + %,d biases = %,d parameters%n", c.weights(), c.biases(), c.total());
        out.printf(Locale.ROOT, "  init: weights %s, biases %s; data %s; %s; batch %d; %d epochs%n",
                m.weightInit().canonical(), m.biasInit().canonical(), p.dataset().cliName(),
                p.optimizer().canonical(), p.batchSize(), p.epochs());
        out.flush();
        return 0;
    }
}
