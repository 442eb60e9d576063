package dev.lottery.cli;

import dev.lottery.nn.data.DatasetName;
import dev.lottery.nn.model.ImageShape;
import dev.lottery.nn.model.LayerKind;
import dev.lottery.nn.model.LayerSpec;
import dev.lottery.nn.model.ModelSpec;
import dev.lottery.nn.model.Preset;
import dev.lottery.nn.model.Presets;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lottery describe --model M}: layers, shapes and parameter counts. */
@Command(name = "describe", mixinStandardHelpOptions = true, description = "Print a model's layers and parameter counts.")
public final class DescribeCommand implements Callable<Integer>, ValidatedOptions {
    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, defaultValue = "lenet-300-100", description = "Model preset (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--dataset", description = "Describe the model on this data set's input shape (default: the preset's).")
    String dataset;

    @Override
    public void validateOptions() {
        dataset(Presets.get(model));
    }

    private DatasetName dataset(Preset p) {
        return dataset == null ? p.dataset() : DatasetName.parse(dataset);
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Preset p = Presets.get(model);
        DatasetName data = dataset(p);
        ModelSpec m = p.modelFor(data);
        out.println(p.name() + ": " + p.description());
        out.println("  input " + m.input() + " (" + data.cliName() + ")");
        out.printf(Locale.ROOT, "  %-18s %-6s %-28s %-10s %12s %8s%n", "layer", "kind", "spec", "output", "weights", "others");
        List<ImageShape> ins = m.inputShapes(), outs = m.shapes();
        for (int i = 0; i < m.layers().size(); i++) {
            LayerSpec l = m.layers().get(i);
            LayerKind kind = l.weightKind();
            out.printf(Locale.ROOT, "  %-18s %-6s %-28s %-10s %,12d %,8d%n", l.name(), kind == null ? "-" : kind.shortName(),
                    l.canonical(), outs.get(i).isFlat() ? Integer.toString(outs.get(i).features()) : outs.get(i).toString(), l.weights(ins.get(i)), l.otherParameters(ins.get(i)));
        }
        for (LayerKind kind : LayerKind.values()) {
            long n = m.weightsOfKind(kind);
            if (n > 0) out.printf(Locale.ROOT, "  %s weights: %,d%n", kind.shortName(), n);
        }
        ModelSpec.ParameterCount c = m.parameterCount();
        out.printf(Locale.ROOT, "  total: %,d weights + %,d other parameters (biases, batch-norm) = %,d parameters%n", c.weights(), c.biases(), c.total());
        out.printf(Locale.ROOT, "  init: weights %s, biases %s; data %s; %s; batch %d; %d epochs%n",
                m.weightInit().canonical(), m.biasInit().canonical(), data.cliName(),
                p.optimizer().canonical(), p.batchSize(), p.epochs());
        out.flush();
        return 0;
    }
}
