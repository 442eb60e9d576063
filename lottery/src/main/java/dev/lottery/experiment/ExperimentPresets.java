package dev.lottery.experiment;

import dev.lottery.nn.UserError;
import dev.lottery.nn.model.Preset;
import dev.lottery.nn.model.Presets;
import dev.lottery.nn.train.TrainingSpec;
import dev.lottery.prune.PruningStrategy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Named experiments: the paper's Figure 3 settings, and a CPU-sized version that shows the same pattern in minutes. */
public final class ExperimentPresets {
    private static final Map<String, ExperimentSpec> PRESETS = new LinkedHashMap<>();
    private static final Map<String, String> DESCRIPTIONS = new LinkedHashMap<>();
    /** MNIST's training set: 60,000 examples, no validation holdout in the paper's lenet experiments. */
    private static final int MNIST_TRAIN = 60_000;

    static {
        Preset lenet = Presets.get("lenet-300-100");
        // The paper (Section 2, Figures 2-3): 50 epochs of SGD(0.05), batch 60, evaluation every 100 iterations,
        // fc layers pruned 20 % and the output 10 % per level; 18 levels take fc to 0.8^18 = 1.8 % (< 2 %) remaining.
        add("lenet-fig3", "The paper's Figure 3: lenet-300-100 on MNIST, 50 epochs, 5 trials, iterative and one-shot, 18 levels, both controls",
                new ExperimentSpec("lenet-fig3", lenet.model(), lenet.dataset(),
                        new TrainingSpec(lenet.optimizer(), lenet.batchSize(),
                                TrainingSpec.iterationsFor(lenet.epochs(), MNIST_TRAIN, lenet.batchSize()), 100, 0),
                        PruningStrategy.LayerwiseMagnitude.fullyConnected(0.2),
                        List.of(PruningMode.ITERATIVE, PruningMode.ONESHOT), List.of(Arm.values()), 18, 5, 0,
                        new ResetMode.ToInit()));
        // CPU-sized: 1,000 iterations (1 epoch) per network and 50 % (fc) / 25 % (output) per level, so 5 levels
        // reach 3.1 % of the fc weights; iterative only; 32 networks, about 10 minutes on 2 busy cores
        // (see docs/experiments.md for what it shows).
        add("lenet-quick", "CPU-sized Figure 3: lenet-300-100 on MNIST, 1,000 iterations per network, 2 trials, iterative, 50 %/level, 5 levels, both controls",
                new ExperimentSpec("lenet-quick", lenet.model(), lenet.dataset(),
                        new TrainingSpec(lenet.optimizer(), lenet.batchSize(), 1_000, 100, 0),
                        PruningStrategy.LayerwiseMagnitude.fullyConnected(0.5),
                        List.of(PruningMode.ITERATIVE), List.of(Arm.values()), 5, 2, 0,
                        new ResetMode.ToInit()));
    }

    private ExperimentPresets() {}

    private static void add(String name, String description, ExperimentSpec spec) {
        PRESETS.put(name, spec);
        DESCRIPTIONS.put(name, description);
    }

    public static ExperimentSpec get(String name) {
        ExperimentSpec s = PRESETS.get(name);
        if (s == null) throw new UserError("unknown experiment preset '" + name + "' (known: " + String.join(", ", PRESETS.keySet()) + ")");
        return s;
    }

    public static String description(String name) {
        get(name);
        return DESCRIPTIONS.get(name);
    }

    public static List<String> names() {
        return List.copyOf(PRESETS.keySet());
    }
}
