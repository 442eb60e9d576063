package dev.lottery.nn.model;

import java.util.Locale;

/**
 * One layer of a model, as data: a closed family. Each layer knows the activation shape it produces from its
 * input's and how many parameters it holds, so a {@link ModelSpec} can be checked and counted without building it.
 * "Weights" are the prunable parameters (dense matrices and convolution filters); the rest (biases, batch-norm
 * scales and shifts) are "other" parameters.
 */
public sealed interface LayerSpec permits LayerSpec.Dense, LayerSpec.Conv2d, LayerSpec.MaxPool, LayerSpec.Flatten,
        LayerSpec.Dropout, LayerSpec.BatchNorm, LayerSpec.ResidualBlock, LayerSpec.GlobalAvgPool {
    /**
     * The layer's name, unique in its model.
     *
     * @return e.g. {@code fc1}; prefixes the names of the layer's parameters ({@code fc1.weight}), which key their
     *         random streams and saved files
     */
    String name();

    /**
     * Stable text form for experiment hashes.
     *
     * @return e.g. {@code dense(300,relu)}; holds the layer's shape and settings but not its name
     */
    String canonical();

    /**
     * The activation shape this layer produces from {@code input}.
     *
     * @param input one example's activations entering the layer
     * @return one example's activations leaving the layer
     * @throws IllegalArgumentException if the layer cannot take {@code input} (e.g. a dense layer over an image, or
     *                                  a window larger than the image)
     */
    ImageShape outputShape(ImageShape input);

    /**
     * Prunable parameters (weights and filters) for {@code input}.
     *
     * @param input one example's activations entering the layer
     * @return the number of prunable values; 0 for layers without weights
     */
    default long weights(ImageShape input) {
        return 0;
    }

    /**
     * Non-prunable parameters (biases, batch-norm scale and shift) for {@code input}.
     *
     * @param input one example's activations entering the layer
     * @return the number of values that are trained but never pruned; 0 for layers without parameters
     */
    default long otherParameters(ImageShape input) {
        return 0;
    }

    /**
     * The pruning family of this layer's weights, or null when it has none.
     *
     * @return the kind whose pruning rate applies to {@link #weights}; null for layers without weights
     */
    default LayerKind weightKind() {
        return null;
    }

    /**
     * A fully-connected layer {@code y = x W^T + b} with weights stored {@code [units, inputs]}; its input must be
     * flat.
     *
     * @param name       the layer's name, e.g. {@code fc1}
     * @param units      the number of outputs, at least 1
     * @param activation the non-linearity after the sum; {@code NONE} for the output layer
     * @param kind       {@code FULLY_CONNECTED} for a hidden layer or {@code OUTPUT} for the last one (it picks the
     *                   pruning rate); never {@code CONVOLUTIONAL}
     */
    record Dense(String name, int units, Activation activation, LayerKind kind) implements LayerSpec {
        /** Checks that the layer has units and is not marked convolutional. */
        public Dense {
            if (units <= 0) throw new IllegalArgumentException(name + ": units must be positive");
            if (kind == LayerKind.CONVOLUTIONAL) throw new IllegalArgumentException(name + ": a dense layer is not convolutional");
        }

        @Override
        public String canonical() {
            return "dense(" + units + (activation == Activation.RELU ? ",relu" : "") + ")";
        }

        @Override
        public ImageShape outputShape(ImageShape input) {
            if (!input.isFlat()) throw new IllegalArgumentException(name + ": input " + input + " is not flat (add a Flatten layer)");
            return ImageShape.flat(units);
        }

        @Override
        public long weights(ImageShape input) {
            return (long) input.features() * units;
        }

        @Override
        public long otherParameters(ImageShape input) {
            return units;
        }

        @Override
        public LayerKind weightKind() {
            return kind;
        }
    }

    /**
     * A 2-D convolution over NCHW activations with {@code filters} square {@code kernel x kernel} filters stored
     * {@code [filters, channels, kernel, kernel]} (cuDNN's KCRS), an optional bias per filter, and an activation.
     * Convolutions followed by batch normalization have no bias (the normalization's shift replaces it).
     *
     * @param name       the layer's name, e.g. {@code conv1}
     * @param filters    the number of filters, i.e. output channels; at least 1
     * @param kernel     the filters' width and height in pixels, at least 1; odd for {@code SAME} padding
     * @param stride     the step between windows in pixels, at least 1
     * @param padding    how the image's border is padded
     * @param activation the non-linearity after the convolution (and bias)
     * @param bias       whether each filter adds a trained bias
     */
    record Conv2d(String name, int filters, int kernel, int stride, Padding padding, Activation activation, boolean bias)
            implements LayerSpec {
        /** Checks that filters, kernel and stride are positive and the padding fits the kernel. */
        public Conv2d {
            if (filters <= 0 || kernel <= 0 || stride <= 0) throw new IllegalArgumentException(name + ": filters, kernel and stride must be positive");
            padding.amount(kernel);
        }

        @Override
        public String canonical() {
            return "conv(" + filters + "," + kernel + "x" + kernel + ",s" + stride + "," + padding.name().toLowerCase(Locale.ROOT)
                    + (activation == Activation.RELU ? ",relu" : "") + (bias ? "" : ",nobias") + ")";
        }

        @Override
        public ImageShape outputShape(ImageShape input) {
            int pad = padding.amount(kernel);
            int h = (input.height() + 2 * pad - kernel) / stride + 1;
            int w = (input.width() + 2 * pad - kernel) / stride + 1;
            if (input.height() + 2 * pad < kernel || input.width() + 2 * pad < kernel) {
                throw new IllegalArgumentException(name + ": " + kernel + "x" + kernel + " kernel does not fit input " + input);
            }
            return new ImageShape(filters, h, w);
        }

        @Override
        public long weights(ImageShape input) {
            return (long) filters * input.channels() * kernel * kernel;
        }

        @Override
        public long otherParameters(ImageShape input) {
            return bias ? filters : 0;
        }

        @Override
        public LayerKind weightKind() {
            return LayerKind.CONVOLUTIONAL;
        }
    }

    /**
     * Max pooling over {@code window x window} windows moved by {@code stride}, no padding.
     *
     * @param name   the layer's name, e.g. {@code pool1}
     * @param window the window's width and height in pixels, at least 1
     * @param stride the step between windows in pixels, at least 1; rows or columns past the last full window are
     *               dropped
     */
    record MaxPool(String name, int window, int stride) implements LayerSpec {
        /** Checks that window and stride are positive. */
        public MaxPool {
            if (window <= 0 || stride <= 0) throw new IllegalArgumentException(name + ": window and stride must be positive");
        }

        @Override
        public String canonical() {
            return "maxpool(" + window + ",s" + stride + ")";
        }

        @Override
        public ImageShape outputShape(ImageShape input) {
            if (input.height() < window || input.width() < window) {
                throw new IllegalArgumentException(name + ": window " + window + " does not fit input " + input);
            }
            return new ImageShape(input.channels(), (input.height() - window) / stride + 1, (input.width() - window) / stride + 1);
        }
    }

    /**
     * Reshapes {@code C x H x W} into a flat vector of {@code C*H*W} values (NCHW order), for dense layers.
     *
     * @param name the layer's name, {@code flatten} in the presets
     */
    record Flatten(String name) implements LayerSpec {
        @Override
        public String canonical() {
            return "flatten";
        }

        @Override
        public ImageShape outputShape(ImageShape input) {
            return ImageShape.flat(input.features());
        }
    }

    /**
     * Inverted dropout: in training each value is zeroed with probability {@code rate} and the survivors are scaled
     * by {@code 1 / (1 - rate)}; in evaluation it is the identity.
     *
     * @param name the layer's name, e.g. {@code dropout1}; it keys the layer's random masks
     * @param rate the probability that a value is zeroed, in [0, 1); 0 makes the layer the identity
     */
    record Dropout(String name, double rate) implements LayerSpec {
        /** Checks that the rate is in [0, 1). */
        public Dropout {
            if (!(rate >= 0 && rate < 1)) throw new IllegalArgumentException(name + ": dropout rate must be in [0, 1), got " + rate);
        }

        @Override
        public String canonical() {
            return "dropout(" + rate + ")";
        }

        @Override
        public ImageShape outputShape(ImageShape input) {
            return input;
        }
    }

    /**
     * Batch normalization per channel (over batch and spatial positions), then an activation. Running statistics
     * follow {@code running = (1 - momentum) * running + momentum * batch} (PyTorch's and cuDNN's convention; the
     * running variance uses the unbiased batch variance).
     *
     * @param name       the layer's name, e.g. {@code bn1}
     * @param activation the non-linearity after the normalization's scale and shift
     * @param momentum   the weight of the batch statistics in the running ones, in (0, 1]
     * @param epsilon    added to the variance before its square root, positive
     */
    record BatchNorm(String name, Activation activation, double momentum, double epsilon) implements LayerSpec {
        /** The running statistics' update weight unless given (PyTorch's default). */
        public static final double DEFAULT_MOMENTUM = 0.1;
        /** Added to the variance before its square root unless given (PyTorch's default). */
        public static final double DEFAULT_EPSILON = 1e-5;

        /** Checks that momentum is in (0, 1] and epsilon positive. */
        public BatchNorm {
            if (!(momentum > 0 && momentum <= 1)) throw new IllegalArgumentException(name + ": momentum must be in (0, 1]");
            if (!(epsilon > 0)) throw new IllegalArgumentException(name + ": epsilon must be positive");
        }

        /**
         * Batch normalization with the default momentum and epsilon.
         *
         * @param name       the layer's name, e.g. {@code bn1}
         * @param activation the non-linearity after the normalization's scale and shift
         */
        public BatchNorm(String name, Activation activation) {
            this(name, activation, DEFAULT_MOMENTUM, DEFAULT_EPSILON);
        }

        @Override
        public String canonical() {
            return "batchnorm(" + momentum + "," + epsilon + (activation == Activation.RELU ? ",relu" : "") + ")";
        }

        @Override
        public ImageShape outputShape(ImageShape input) {
            return input;
        }

        @Override
        public long otherParameters(ImageShape input) {
            return 2L * input.channels();
        }
    }

    /**
     * He et al.'s basic residual block: {@code relu(bn(conv3x3(relu(bn(conv3x3_s(x))))) + shortcut(x))}. The
     * shortcut is the identity when the shape is kept, else a 1x1 stride-s projection convolution with batch norm.
     * Its convolutions have no bias. Sub-layer names are {@code name.conv1}, {@code name.bn1}, {@code name.conv2},
     * {@code name.bn2}, {@code name.shortcut} and {@code name.shortcut_bn}.
     *
     * @param name    the block's name, e.g. {@code stage1.block1}; prefixes its sub-layers' names
     * @param filters the number of output channels of every convolution in the block, at least 1
     * @param stride  the first convolution's (and the projection's) stride, at least 1; 2 halves the image
     */
    record ResidualBlock(String name, int filters, int stride) implements LayerSpec {
        /** Checks that filters and stride are positive. */
        public ResidualBlock {
            if (filters <= 0 || stride <= 0) throw new IllegalArgumentException(name + ": filters and stride must be positive");
        }

        /**
         * The block's first 3x3 convolution (stride {@code stride}).
         *
         * @return a new spec named {@code name.conv1}, {@code SAME} padding, no bias and no activation
         */
        public Conv2d conv1() {
            return new Conv2d(name + ".conv1", filters, 3, stride, Padding.SAME, Activation.NONE, false);
        }

        /**
         * The batch norm and ReLU after the first convolution.
         *
         * @return a new spec named {@code name.bn1} with the default momentum and epsilon
         */
        public BatchNorm bn1() {
            return new BatchNorm(name + ".bn1", Activation.RELU);
        }

        /**
         * The block's second 3x3 convolution (stride 1).
         *
         * @return a new spec named {@code name.conv2}, {@code SAME} padding, no bias and no activation
         */
        public Conv2d conv2() {
            return new Conv2d(name + ".conv2", filters, 3, 1, Padding.SAME, Activation.NONE, false);
        }

        /**
         * The batch norm after the second convolution, before the sum.
         *
         * @return a new spec named {@code name.bn2} with no activation (the ReLU follows the sum)
         */
        public BatchNorm bn2() {
            return new BatchNorm(name + ".bn2", Activation.NONE);
        }

        /**
         * The 1x1 projection convolution of the shortcut, used when {@link #projects(ImageShape)} says so.
         *
         * @return a new spec named {@code name.shortcut}: stride {@code stride}, no padding, no bias
         */
        public Conv2d shortcut() {
            return new Conv2d(name + ".shortcut", filters, 1, stride, Padding.VALID, Activation.NONE, false);
        }

        /**
         * The projection's batch norm.
         *
         * @return a new spec named {@code name.shortcut_bn} with no activation
         */
        public BatchNorm shortcutNorm() {
            return new BatchNorm(name + ".shortcut_bn", Activation.NONE);
        }

        /**
         * Whether the shortcut needs a projection: the stride or the channel count changes the shape.
         *
         * @param input one example's activations entering the block
         * @return true when the stride is not 1 or {@code input} does not have {@code filters} channels
         */
        public boolean projects(ImageShape input) {
            return stride != 1 || input.channels() != filters;
        }

        @Override
        public String canonical() {
            return "residual(" + filters + ",s" + stride + ")";
        }

        @Override
        public ImageShape outputShape(ImageShape input) {
            return conv2().outputShape(conv1().outputShape(input));
        }

        @Override
        public long weights(ImageShape input) {
            ImageShape mid = conv1().outputShape(input);
            return conv1().weights(input) + conv2().weights(mid) + (projects(input) ? shortcut().weights(input) : 0);
        }

        @Override
        public long otherParameters(ImageShape input) {
            return (projects(input) ? 6L : 4L) * filters;
        }

        @Override
        public LayerKind weightKind() {
            return LayerKind.CONVOLUTIONAL;
        }
    }

    /**
     * Averages every channel over its spatial positions: {@code C x H x W -> C x 1 x 1}.
     *
     * @param name the layer's name, {@code pool} in the presets
     */
    record GlobalAvgPool(String name) implements LayerSpec {
        @Override
        public String canonical() {
            return "global_avg_pool";
        }

        @Override
        public ImageShape outputShape(ImageShape input) {
            return ImageShape.flat(input.channels());
        }
    }
}
