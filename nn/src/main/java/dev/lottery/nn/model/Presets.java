package dev.lottery.nn.model;

import dev.lottery.nn.UserError;
import dev.lottery.nn.data.DatasetName;
import dev.lottery.nn.data.augment.BatchAugmentation;
import dev.lottery.nn.init.Initializer;
import dev.lottery.nn.train.LearningRateSchedule;
import dev.lottery.nn.train.OptimizerSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The models the paper trains, as data (Figure 1). Convolutional presets are built for CIFAR-10 (3x32x32);
 * {@link Preset#modelFor} gives the same architecture on 1x28x28 (Fashion-)MNIST. Conv experiments hold out 5,000
 * training examples for validation (Section 3) and use mini-batches of 50 (Appendix); the resnet trains on
 * batches of 128 with flips and translations (Section 5).
 */
public final class Presets {
    private static final Map<String, Preset> PRESETS = new LinkedHashMap<>();
    private static final ImageShape CIFAR = Preset.inputShape(DatasetName.CIFAR10);
    /** "Normal distributions are truncated at two standard deviations" (Figure 1); the variance stays Glorot's. */
    private static final Initializer XAVIER = new Initializer.XavierNormal(true);
    private static final int CONV_VALIDATION = 5000;

    static {
        add(new Preset("lenet-300-100",
                "Fully-connected 784-300-100-10 on MNIST (paper Section 2): truncated N(0, 0.1), SGD 0.05, batch 60, 50 epochs",
                lenet("lenet-300-100", 300, 100),
                DatasetName.MNIST, OptimizerSpec.sgd(0.05), 60, 50, 0));
        add(new Preset("conv2",
                "Two 5x5x64 SAME convolutions each with 2x2 max-pooling, FC 384-192-10 (Figure 1): truncated N(0, 0.1), SGD 0.01, batch 50, 30 epochs",
                conv2(), DatasetName.CIFAR10, OptimizerSpec.sgd(0.01), 50, 30, CONV_VALIDATION));
        add(new Preset("conv4",
                "3x3x64, 3x3x64, pool, 3x3x128, 3x3x128, pool (VALID), FC 256-256-10 (Figure 1): Xavier normal, SGD 0.003, batch 50, 20 epochs",
                conv4("conv4", 0), DatasetName.CIFAR10, OptimizerSpec.sgd(0.003), 50, 20, CONV_VALIDATION));
        add(new Preset("conv4-dropout",
                "conv4 with dropout 0.5 after each hidden fully-connected layer (Section 5, Figure 7)",
                conv4("conv4-dropout", 0.5), DatasetName.CIFAR10, OptimizerSpec.sgd(0.003), 50, 20, CONV_VALIDATION));
        add(new Preset("resnet20",
                "The paper's \"resnet18\": 3x3x16 conv, 3 residual blocks each of 16, 32, 64 filters, global average pool, FC 10 (Figure 1);"
                        + " batch norm, Xavier normal, SGD momentum 0.9, weight decay 1e-4, LR 0.1 -> 0.01 at 20K -> 0.001 at 25K,"
                        + " batch 128, flips and 4-pixel translations, 30K iterations (85 epochs)",
                resnet20(), DatasetName.CIFAR10,
                new OptimizerSpec(LearningRateSchedule.parse("0.1,20000:0.01,25000:0.001"), 0.9, 1e-4),
                128, 85, CONV_VALIDATION, BatchAugmentation.FLIP_AND_TRANSLATE));
    }

    private Presets() {}

    private static void add(Preset p) {
        PRESETS.put(p.name(), p);
    }

    /**
     * A fully-connected lenet with two hidden ReLU layers and a 10-way output, weights from N(0, 0.1) truncated at 2σ.
     *
     * @param name    the model's name, e.g. {@code lenet-300-100}
     * @param hidden1 units of the first hidden layer {@code fc1}, at least 1
     * @param hidden2 units of the second hidden layer {@code fc2}, at least 1
     * @return the model over flat 784-value (28x28) inputs, zero biases
     * @throws IllegalArgumentException if a layer has no units
     */
    public static ModelSpec lenet(String name, int hidden1, int hidden2) {
        return new ModelSpec(name, 28 * 28, List.of(
                new LayerSpec.Dense("fc1", hidden1, Activation.RELU, LayerKind.FULLY_CONNECTED),
                new LayerSpec.Dense("fc2", hidden2, Activation.RELU, LayerKind.FULLY_CONNECTED),
                new LayerSpec.Dense("fc3", 10, Activation.NONE, LayerKind.OUTPUT)),
                new Initializer.TruncatedNormal(0.1), new Initializer.Zeros());
    }

    /**
     * conv2: the TensorFlow CIFAR-10 tutorial's network; 1.76M weights (107K convolutional) on CIFAR-10.
     *
     * @return the model over 3x32x32 images, weights from N(0, 0.1) truncated at 2σ, zero biases
     */
    public static ModelSpec conv2() {
        return new ModelSpec("conv2", CIFAR, List.of(
                new LayerSpec.Conv2d("conv1", 64, 5, 1, Padding.SAME, Activation.RELU, true),
                new LayerSpec.MaxPool("pool1", 2, 2),
                new LayerSpec.Conv2d("conv2", 64, 5, 1, Padding.SAME, Activation.RELU, true),
                new LayerSpec.MaxPool("pool2", 2, 2),
                new LayerSpec.Flatten("flatten"),
                new LayerSpec.Dense("fc1", 384, Activation.RELU, LayerKind.FULLY_CONNECTED),
                new LayerSpec.Dense("fc2", 192, Activation.RELU, LayerKind.FULLY_CONNECTED),
                new LayerSpec.Dense("fc3", 10, Activation.NONE, LayerKind.OUTPUT)),
                new Initializer.TruncatedNormal(0.1), new Initializer.Zeros());
    }

    /**
     * conv4 (VALID convolutions: 32 -> 30 -> 28 -> 14 -> 12 -> 10 -> 5); dropout after fc1 and fc2 when
     * {@code dropout > 0}.
     *
     * @param name    the model's name: {@code conv4} or {@code conv4-dropout} in the presets
     * @param dropout the dropout rate, in [0, 1); 0 leaves the dropout layers out
     * @return the model over 3x32x32 images, truncated Xavier-normal weights, zero biases
     * @throws IllegalArgumentException if {@code dropout} is 1 or more
     */
    public static ModelSpec conv4(String name, double dropout) {
        List<LayerSpec> layers = new ArrayList<>(List.of(
                new LayerSpec.Conv2d("conv1", 64, 3, 1, Padding.VALID, Activation.RELU, true),
                new LayerSpec.Conv2d("conv2", 64, 3, 1, Padding.VALID, Activation.RELU, true),
                new LayerSpec.MaxPool("pool1", 2, 2),
                new LayerSpec.Conv2d("conv3", 128, 3, 1, Padding.VALID, Activation.RELU, true),
                new LayerSpec.Conv2d("conv4", 128, 3, 1, Padding.VALID, Activation.RELU, true),
                new LayerSpec.MaxPool("pool2", 2, 2),
                new LayerSpec.Flatten("flatten"),
                new LayerSpec.Dense("fc1", 256, Activation.RELU, LayerKind.FULLY_CONNECTED)));
        if (dropout > 0) layers.add(new LayerSpec.Dropout("dropout1", dropout));
        layers.add(new LayerSpec.Dense("fc2", 256, Activation.RELU, LayerKind.FULLY_CONNECTED));
        if (dropout > 0) layers.add(new LayerSpec.Dropout("dropout2", dropout));
        layers.add(new LayerSpec.Dense("fc3", 10, Activation.NONE, LayerKind.OUTPUT));
        return new ModelSpec(name, CIFAR, layers, XAVIER, new Initializer.Zeros());
    }

    /**
     * He et al.'s CIFAR-10 resnet with n = 3 (20 layers; the paper's "resnet18"): a 3x3x16 convolution with batch
     * norm, three stages of three basic blocks with 16, 32 and 64 filters (the first block of stages 2 and 3 has
     * stride 2 and a 1x1 projection shortcut), global average pooling and a 10-way output.
     *
     * @return the model over 3x32x32 images, truncated Xavier-normal weights, zero biases; blocks are named
     *         {@code stage1.block1} to {@code stage3.block3}
     */
    public static ModelSpec resnet20() {
        List<LayerSpec> layers = new ArrayList<>(List.of(
                new LayerSpec.Conv2d("conv1", 16, 3, 1, Padding.SAME, Activation.NONE, false),
                new LayerSpec.BatchNorm("bn1", Activation.RELU)));
        int[] filters = {16, 32, 64};
        for (int stage = 0; stage < filters.length; stage++) {
            for (int block = 0; block < 3; block++) {
                int stride = stage > 0 && block == 0 ? 2 : 1;
                layers.add(new LayerSpec.ResidualBlock("stage" + (stage + 1) + ".block" + (block + 1), filters[stage], stride));
            }
        }
        layers.add(new LayerSpec.GlobalAvgPool("pool"));
        layers.add(new LayerSpec.Dense("fc", 10, Activation.NONE, LayerKind.OUTPUT));
        return new ModelSpec("resnet20", CIFAR, layers, XAVIER, new Initializer.Zeros());
    }

    /**
     * The preset {@code name}; an unknown name is a {@link UserError} that lists the known ones.
     *
     * @param name the preset's name, exactly as {@link #all()} lists it (case matters)
     * @return the shared, immutable preset
     * @throws UserError if no preset has that name
     */
    public static Preset get(String name) {
        Preset p = PRESETS.get(name);
        if (p == null) throw new UserError("unknown model '" + name + "' (known: " + String.join(", ", PRESETS.keySet()) + ")");
        return p;
    }

    /**
     * Every preset, lenet-300-100 first.
     *
     * @return an unmodifiable list in the order the paper introduces them: lenet-300-100, conv2, conv4,
     *         conv4-dropout, resnet20
     */
    public static List<Preset> all() {
        return List.copyOf(PRESETS.values());
    }
}
