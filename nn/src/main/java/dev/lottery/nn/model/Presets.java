package dev.lottery.nn.model;

import dev.lottery.nn.UserError;
import dev.lottery.nn.data.DatasetName;
import dev.lottery.nn.init.Initializer;
import dev.lottery.nn.train.OptimizerSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The models the paper trains, as data (Figure 1). */
public final class Presets {
    private static final Map<String, Preset> PRESETS = new LinkedHashMap<>();

    static {
        add(new Preset("lenet-300-100",
                "Fully-connected 784-300-100-10 on MNIST (paper Section 2): truncated N(0, 0.1), SGD 0.05, batch 60, 50 epochs",
                lenet("lenet-300-100", 300, 100),
                DatasetName.MNIST, OptimizerSpec.sgd(0.05), 60, 50, 0));
    }

    private Presets() {}

    private static void add(Preset p) {
        PRESETS.put(p.name(), p);
    }

    /** A fully-connected lenet with two hidden ReLU layers and a 10-way output, weights from N(0, 0.1) truncated at 2σ. */
    public static ModelSpec lenet(String name, int hidden1, int hidden2) {
        return new ModelSpec(name, 28 * 28, List.of(
                new LayerSpec.Dense("fc1", hidden1, Activation.RELU, LayerKind.FULLY_CONNECTED),
                new LayerSpec.Dense("fc2", hidden2, Activation.RELU, LayerKind.FULLY_CONNECTED),
                new LayerSpec.Dense("fc3", 10, Activation.NONE, LayerKind.OUTPUT)),
                new Initializer.TruncatedNormal(0.1), new Initializer.Zeros());
    }

    public static Preset get(String name) {
        Preset p = PRESETS.get(name);
        if (p == null) throw new UserError("unknown model '" + name + "' (known: " + String.join(", ", PRESETS.keySet()) + ")");
        return p;
    }

    public static List<Preset> all() {
        return List.copyOf(PRESETS.values());
    }
}
