package dev.lottery.experiment;

import static dev.lottery.experiment.ExperimentSettings.ARMS;
import static dev.lottery.experiment.ExperimentSettings.LEVELS;
import static dev.lottery.experiment.ExperimentSettings.MODEL;
import static dev.lottery.experiment.ExperimentSettings.MODES;
import static dev.lottery.experiment.ExperimentSettings.NAME;
import static dev.lottery.experiment.ExperimentSettings.RESET;
import static dev.lottery.experiment.ExperimentSettings.SEED;
import static dev.lottery.experiment.ExperimentSettings.STRATEGY;
import static dev.lottery.experiment.ExperimentSettings.TRAINING;
import static dev.lottery.experiment.ExperimentSettings.TRIALS;

import dev.lottery.experiment.control.Control;
import dev.lottery.experiment.control.Controls;
import dev.lottery.nn.UserError;
import dev.lottery.nn.data.DatasetName;
import dev.lottery.nn.model.ModelSpec;
import dev.lottery.nn.model.Preset;
import dev.lottery.nn.model.Presets;
import dev.lottery.nn.train.OptimizerSpec;
import dev.lottery.nn.train.TrainingSpec;
import dev.lottery.prune.PruningStrategy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named experiments: the paper's Figure 3 settings and a CPU-sized version that shows the same pattern in minutes
 * (Section 2); the convolutional Questions 1-3 (Section 4, Figures 4-5); dropout (Figure 7); and the resnet with and
 * without momentum (Figure 6). The conv and resnet presets run on CIFAR-10; {@link #onDataset} moves any of them to
 * another data set (same architecture over that data set's input shape).
 */
public final class ExperimentPresets {
    private static final Map<String, ExperimentSpec> PRESETS = new LinkedHashMap<>();
    private static final Map<String, String> DESCRIPTIONS = new LinkedHashMap<>();
    /** The ticket and the paper's two controls (Section 2.2). */
    private static final List<Control> PAPER_ARMS = List.of(Controls.TICKET, Controls.REINIT, Controls.REARRANGE);
    /** The ticket and random reinitialization, the control of the paper's conv and resnet experiments (Sections 4-5). */
    private static final List<Control> TICKET_AND_REINIT = List.of(Controls.TICKET, Controls.REINIT);
    /** MNIST's training set: 60,000 examples, no validation holdout in the paper's lenet experiments. */
    private static final int MNIST_TRAIN = 60_000;

    static {
        Preset lenet = Presets.get("lenet-300-100");
        // The paper (Section 2, Figures 2-3): 50 epochs of SGD(0.05), batch 60, evaluation every 100 iterations,
        // fc layers pruned 20 % and the output 10 % per level; 18 levels take fc to 0.8^18 = 1.8 % (< 2 %) remaining.
        add("lenet-fig3", "The paper's Figure 3: lenet-300-100 on MNIST, 50 epochs, 5 trials, iterative and one-shot, 18 levels, both controls",
                experiment("lenet-fig3", lenet.model(), lenet.dataset(),
                        new TrainingSpec(lenet.optimizer(), lenet.batchSize(),
                                TrainingSpec.iterationsFor(lenet.epochs(), MNIST_TRAIN, lenet.batchSize()), 100, 0),
                        PruningStrategy.LayerwiseMagnitude.fullyConnected(0.2),
                        List.of(PruningMode.ITERATIVE, PruningMode.ONESHOT), PAPER_ARMS, 18, 5));
        // CPU-sized: 1,000 iterations (1 epoch) per network and 50 % (fc) / 25 % (output) per level, so 5 levels
        // reach 3.1 % of the fc weights; iterative only; 32 networks, about 10 minutes on 2 busy cores
        // (see docs/experiments.md for what it shows).
        add("lenet-quick", "CPU-sized Figure 3: lenet-300-100 on MNIST, 1,000 iterations per network, 2 trials, iterative, 50 %/level, 5 levels, both controls",
                experiment("lenet-quick", lenet.model(), lenet.dataset(),
                        new TrainingSpec(lenet.optimizer(), lenet.batchSize(), 1_000, 100, 0),
                        PruningStrategy.LayerwiseMagnitude.fullyConnected(0.5),
                        List.of(PruningMode.ITERATIVE), PAPER_ARMS, 5, 2));
    }

    static {
        // Section 4, Question 1/2 (Figure 4): iterative pruning, fc 20 %, conv 10 %, output 10 % per level; the
        // footnote's convergence (minimum validation loss over a 5,000-example holdout), batch 50. 15 levels take the
        // fc layers to 0.8^15 = 3.5 % and the convolutions to 0.9^15 = 21 % (the paper's x axes end near 2-4 %).
        for (String model : List.of("conv2", "conv4")) {
            add(model + "-q1", "Figure 4 (Question 1/2): " + model + " on CIFAR-10, iterative, fc 20 % / conv 10 % / output 10 % per level, 15 levels, 5 trials, ticket + reinit",
                    convExperiment(model + "-q1", model, new PruningStrategy.LayerwiseMagnitude(0.2, 0.1, 0.1)));
        }
        // CPU-sized Figure 4 on Fashion-MNIST (1x28x28, which ships as a Debian package, unlike CIFAR-10): conv2 for
        // 1,000 iterations per network (0.9 epoch of the 55,000 kept for training), evaluation every 250; the paper's
        // rates doubled as lenet-quick does (fc 40 %, conv 20 %, output 20 % per level), so 5 levels reach 7.8 % of
        // the fc weights and 33 % of the convolutions (9.7 % of all weights); 1 trial; 11 networks, about 50 minutes on
        // 2 cores (see docs/experiments.md for what it shows).
        Preset conv2 = Presets.get("conv2");
        add("conv2-fashion-quick", "CPU-sized Figure 4: conv2 on Fashion-MNIST, 1,000 iterations per network, 1 trial, iterative, fc 40 % / conv 20 % / output 20 % per level, 5 levels, ticket + reinit",
                experiment("conv2-fashion-quick", conv2.modelFor(DatasetName.FASHION_MNIST), DatasetName.FASHION_MNIST,
                        new TrainingSpec(conv2.optimizer(), conv2.batchSize(), 1_000, 250, conv2.validationSize()),
                        new PruningStrategy.LayerwiseMagnitude(0.4, 0.2, 0.2), List.of(PruningMode.ITERATIVE),
                        TICKET_AND_REINIT, 5, 1));
        // Question 3 (Figure 5): 20 % per level on the convolutions only, the fully-connected layers only, or both
        // (the output layer goes with the fully-connected ones, at half their rate as everywhere in the paper).
        for (String model : List.of("conv2", "conv4")) {
            for (Q3Variant v : Q3Variant.values()) {
                add(model + "-q3-" + v.suffix, "Figure 5 (Question 3): " + model + " on CIFAR-10, iterative, 20 % per level on " + v.description
                                + ", 15 levels, 5 trials, ticket + reinit",
                        convExperiment(model + "-q3-" + v.suffix, model, v.strategy));
            }
        }
        // Section 5, Figure 7: conv4 with dropout 0.5 on the hidden fc layers, pruned as conv4-q1 (its baseline).
        add("conv4-dropout", "Figure 7: conv4 with dropout 0.5 on CIFAR-10, pruned as conv4-q1 (15 levels, 5 trials, ticket + reinit)",
                convExperiment("conv4-dropout", "conv4-dropout", new PruningStrategy.LayerwiseMagnitude(0.2, 0.1, 0.1)));
        // Section 5, Figure 6: resnet20 (the paper's "resnet18"), 30K iterations of batch 128 with flips and
        // translations, LR 0.1 -> 0.01 at 20K -> 0.001 at 25K, weight decay 1e-4; momentum 0.9 or plain SGD. Every
        // layer pruned 20 % per level (output 10 %): 0.8^5 = 32.8 % is the paper's "32.9 %", 10 levels reach 10.7 %.
        Preset resnet = Presets.get("resnet20");
        OptimizerSpec momentum = resnet.optimizer();
        OptimizerSpec plain = new OptimizerSpec(momentum.learningRate(), 0, momentum.weightDecay());
        add("resnet20-momentum", "Figure 6: resnet20 on CIFAR-10, SGD momentum 0.9, 30K iterations, 20 %/level, 10 levels, 3 trials, ticket + reinit",
                resnetExperiment("resnet20-momentum", resnet, momentum));
        add("resnet20-sgd", "Figure 6: resnet20 on CIFAR-10, plain SGD (no momentum), 30K iterations, 20 %/level, 10 levels, 3 trials, ticket + reinit",
                resnetExperiment("resnet20-sgd", resnet, plain));
    }

    /** CIFAR-10's training set: 50,000 examples, of which the conv/resnet presets hold out 5,000 for validation. */
    private static final int CIFAR_TRAIN = 50_000;
    private static final int CONV_LEVELS = 15;
    private static final int CONV_TRIALS = 5;

    /** Question 3's three ways of pruning a conv network at 20 % per level. */
    enum Q3Variant {
        CONV("conv", "the convolutions only", new PruningStrategy.LayerwiseMagnitude(0, 0.2, 0)),
        FC("fc", "the fully-connected layers only (output 10 %)", new PruningStrategy.LayerwiseMagnitude(0.2, 0, 0.1)),
        BOTH("both", "convolutions and fully-connected layers (output 10 %)", new PruningStrategy.LayerwiseMagnitude(0.2, 0.2, 0.1));

        final String suffix;
        final String description;
        final PruningStrategy strategy;

        Q3Variant(String suffix, String description, PruningStrategy strategy) {
            this.suffix = suffix;
            this.description = description;
            this.strategy = strategy;
        }
    }

    /** A conv experiment as Section 4: the model preset's optimizer, batch and epochs, evaluation every 100 iterations. */
    private static ExperimentSpec convExperiment(String name, String modelPreset, PruningStrategy strategy) {
        Preset p = Presets.get(modelPreset);
        long iterations = TrainingSpec.iterationsFor(p.epochs(), CIFAR_TRAIN - p.validationSize(), p.batchSize());
        return experiment(name, p.model(), p.dataset(),
                new TrainingSpec(p.optimizer(), p.batchSize(), iterations, 100, p.validationSize()),
                strategy, List.of(PruningMode.ITERATIVE), TICKET_AND_REINIT, CONV_LEVELS, CONV_TRIALS);
    }

    /** The resnet as Section 5 with {@code optimizer}; evaluation every 100 iterations (Figure 6b averages the last 1,000 of each rate). */
    private static ExperimentSpec resnetExperiment(String name, Preset resnet, OptimizerSpec optimizer) {
        return experiment(name, resnet.model(), resnet.dataset(),
                new TrainingSpec(optimizer, resnet.batchSize(), 30_000, 100, resnet.validationSize(), resnet.augmentation()),
                new PruningStrategy.LayerwiseMagnitude(0.2, 0.2, 0.1), List.of(PruningMode.ITERATIVE), TICKET_AND_REINIT, 10, 3);
    }

    /** Every preset's seed and reset: seed 0, survivors reset to θ0 (the paper). */
    private static ExperimentSpec experiment(String name, ModelSpec model, DatasetName data, TrainingSpec training,
                                             PruningStrategy strategy, List<PruningMode> modes, List<Control> arms, int levels, int trials) {
        return ExperimentSpec.builder().set(NAME, name).set(MODEL, model).dataset(data).set(TRAINING, training)
                .set(STRATEGY, strategy).set(MODES, modes).set(ARMS, arms).set(LEVELS, levels).set(TRIALS, trials)
                .set(SEED, 0L).set(RESET, new ResetMode.ToInit()).build();
    }

    /**
     * {@code spec} on another built-in data set: the same architecture rebuilt for that data set's input shape (the
     * model is looked up by name among the model presets; a model that is not a preset keeps its layers with the new
     * input), with that data set's normalization. Training length stays in iterations, as the paper reports it.
     *
     * @param spec    the experiment to move
     * @param dataset the built-in data set to run on
     * @return a new spec (another hash), or {@code spec} itself when it already runs on {@code dataset}
     */
    public static ExperimentSpec onDataset(ExperimentSpec spec, DatasetName dataset) {
        if (spec.dataset().equals(new DataSource.BuiltIn(dataset))) return spec;
        return onDataset(spec.toBuilder(), dataset).build();
    }

    /** {@link #onDataset(ExperimentSpec, DatasetName)} on a spec being built (the {@code --dataset} option). */
    static ExperimentSpec.Builder onDataset(ExperimentSpec.Builder spec, DatasetName dataset) {
        ModelSpec model = spec.get(MODEL);
        Preset p = Presets.all().stream().filter(x -> x.name().equals(model.name())).findFirst().orElse(null);
        ModelSpec rebuilt = p != null ? p.modelFor(dataset)
                : model.input().isFlat() ? model.withInput(Preset.inputShape(dataset).features())
                : model.withInput(Preset.inputShape(dataset));
        return spec.set(MODEL, rebuilt).dataset(dataset);
    }

    private ExperimentPresets() {}

    private static void add(String name, String description, ExperimentSpec spec) {
        PRESETS.put(name, spec);
        DESCRIPTIONS.put(name, description);
    }

    /**
     * The preset {@code name}; an unknown name is a {@link UserError} that lists the known ones.
     *
     * @param name a preset's name, e.g. {@code lenet-quick}; case-sensitive
     * @return the preset's spec (immutable, so it may be shared)
     */
    public static ExperimentSpec get(String name) {
        ExperimentSpec s = PRESETS.get(name);
        if (s == null) throw new UserError("unknown experiment preset '" + name + "' (known: " + String.join(", ", PRESETS.keySet()) + ")");
        return s;
    }

    /**
     * One line on what a preset runs.
     *
     * @param name a preset's name; an unknown one is a {@link UserError}
     * @return the description, one line without a trailing newline
     */
    public static String description(String name) {
        get(name);
        return DESCRIPTIONS.get(name);
    }

    /**
     * The presets' names.
     *
     * @return every preset's name, in the order they were declared; unmodifiable
     */
    public static List<String> names() {
        return List.copyOf(PRESETS.keySet());
    }
}
