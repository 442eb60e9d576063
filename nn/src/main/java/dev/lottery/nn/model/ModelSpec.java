package dev.lottery.nn.model;

import dev.lottery.nn.init.Initializer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A model as data: input shape, layers in order, and how parameters are initialized. Its {@link #canonical()}
 * string names it completely, so experiments can hash it. The constructor checks that every layer accepts the
 * shape its predecessor produces and that the model ends in a flat vector of class scores.
 *
 * @param name       the model's name, e.g. {@code lenet-300-100}; a preset's name makes {@link #parse} rebuild that
 *                   preset's layer names
 * @param input      one example's shape: {@code 784x1x1} for a flat MNIST vector, {@code 3x32x32} for CIFAR-10 images
 * @param layers     the layers from input to logits, at least one; copied into an unmodifiable list
 * @param weightInit how the prunable weights are drawn
 * @param biasInit   how the biases are drawn (batch-norm scales and shifts always start at 1 and 0)
 */
public record ModelSpec(String name, ImageShape input, List<LayerSpec> layers, Initializer weightInit, Initializer biasInit) {
    /**
     * Checks that there are layers, each accepts its input shape and the last one ends flat.
     *
     * @throws IllegalArgumentException if there are no layers, a layer cannot take its input, or the output is not
     *                                  flat
     */
    public ModelSpec {
        layers = List.copyOf(layers);
        if (layers.isEmpty()) throw new IllegalArgumentException(name + ": no layers");
        ImageShape shape = input;
        for (LayerSpec l : layers) shape = l.outputShape(shape);
        if (!shape.isFlat()) throw new IllegalArgumentException(name + ": the last layer's output " + shape + " is not flat");
    }

    /**
     * A model over flat inputs of {@code inputFeatures} values (fully-connected networks).
     *
     * @param name          the model's name, e.g. {@code lenet-300-100}
     * @param inputFeatures values per example, at least 1 (784 for MNIST)
     * @param layers        the layers from input to logits, at least one; copied
     * @param weightInit    how the prunable weights are drawn
     * @param biasInit      how the biases are drawn
     * @throws IllegalArgumentException if {@code inputFeatures} is not positive or the layers do not fit together
     */
    public ModelSpec(String name, int inputFeatures, List<LayerSpec> layers, Initializer weightInit, Initializer biasInit) {
        this(name, flatInput(name, inputFeatures), layers, weightInit, biasInit);
    }

    private static ImageShape flatInput(String name, int features) {
        if (features <= 0) throw new IllegalArgumentException(name + ": inputFeatures must be positive");
        return ImageShape.flat(features);
    }

    /**
     * Values per example after flattening (784 for 28x28x1).
     *
     * @return channels × height × width of {@link #input()}: the width of a row of a batch {@code [batch, features]}
     */
    public int inputFeatures() {
        return input.features();
    }

    /**
     * Number of classes the model predicts (the last layer's width).
     *
     * @return the number of logits per example, e.g. 10 for MNIST and CIFAR-10
     */
    public int classes() {
        return shapes().getLast().features();
    }

    /**
     * The output shape of every layer, in order.
     *
     * @return a new list, one shape per layer; the last is the flat vector of class scores
     */
    public List<ImageShape> shapes() {
        List<ImageShape> out = new ArrayList<>(layers.size());
        ImageShape shape = input;
        for (LayerSpec l : layers) {
            shape = l.outputShape(shape);
            out.add(shape);
        }
        return out;
    }

    /**
     * The input shape of every layer, in order.
     *
     * @return a new list, one shape per layer: {@link #input()}, then every output shape but the last
     */
    public List<ImageShape> inputShapes() {
        List<ImageShape> out = new ArrayList<>(layers.size());
        out.add(input);
        List<ImageShape> outputs = shapes();
        out.addAll(outputs.subList(0, outputs.size() - 1));
        return out;
    }

    /**
     * The text that names the model completely: name, input shape, each layer's {@link LayerSpec#canonical()} and
     * the initializers. Flat inputs keep the historical {@code input=784} form, so fully-connected models hash as
     * before.
     *
     * @return e.g. {@code model(name=lenet-300-100,input=784,layers=[dense(300,relu),...],weight_init=...)}, which
     *         {@link #parse} reads back
     */
    public String canonical() {
        return "model(name=" + name + ",input=" + (input.isFlat() ? Integer.toString(input.features()) : input.toString())
                + ",layers=[" + layers.stream().map(LayerSpec::canonical).collect(Collectors.joining(","))
                + "],weight_init=" + weightInit.canonical() + ",bias_init=" + biasInit.canonical() + ")";
    }

    /**
     * Reads a {@link #canonical()} text back. A model named like a model preset is rebuilt from that preset; any other
     * model gets the presets' layer names ({@code fc1}, {@code conv1}, ...; the canonical text does not hold them).
     *
     * @param text a model's {@link #canonical()} text, without surrounding blanks
     * @return the model, equal to the one that wrote the text when that was a preset or used the presets' naming
     * @throws dev.lottery.nn.UserError if {@code text} is not a model in canonical form
     */
    public static ModelSpec parse(String text) {
        return ModelText.parse(text);
    }

    /**
     * The same model with another weight initializer (a command-line override).
     *
     * @param init the new weight initializer; the bias initializer is kept
     * @return a new model; this one is unchanged
     */
    public ModelSpec withWeightInit(Initializer init) {
        return new ModelSpec(name, input, layers, init, biasInit);
    }

    /**
     * The same layers over flat inputs of another size (e.g. for small test data).
     *
     * @param features values per example, at least 1
     * @return a new model with the same name, layers and initializers
     * @throws IllegalArgumentException if {@code features} is not positive or the layers need an image
     */
    public ModelSpec withInput(int features) {
        return new ModelSpec(name, features, layers, weightInit, biasInit);
    }

    /**
     * The same layers over another input shape (e.g. CIFAR-10's 3x32x32 or Fashion-MNIST's 1x28x28).
     *
     * @param shape one example's shape
     * @return a new model with the same name, layers and initializers
     * @throws IllegalArgumentException if a layer cannot take the shapes that follow from {@code shape}
     */
    public ModelSpec withInput(ImageShape shape) {
        return new ModelSpec(name, shape, layers, weightInit, biasInit);
    }

    /**
     * Parameter counts: weights (prunable) and biases (every other parameter: biases, batch-norm scales and shifts).
     *
     * @param weights the number of prunable values in one network
     * @param biases  the number of trained values that are never pruned, in one network
     */
    public record ParameterCount(long weights, long biases) {
        /**
         * Weights and biases together.
         *
         * @return every trained value of one network
         */
        public long total() {
            return weights + biases;
        }
    }

    /**
     * The model's weights and other parameters.
     *
     * @return the counts for one network (a population holds {@code members} times as many)
     */
    public ParameterCount parameterCount() {
        long weights = 0, others = 0;
        List<ImageShape> ins = inputShapes();
        for (int i = 0; i < layers.size(); i++) {
            weights += layers.get(i).weights(ins.get(i));
            others += layers.get(i).otherParameters(ins.get(i));
        }
        return new ParameterCount(weights, others);
    }

    /**
     * Prunable weights in layers of one pruning family (e.g. the convolutional weights of Figure 1).
     *
     * @param kind the family
     * @return the number of weights of one network in layers of that family; 0 if there are none
     */
    public long weightsOfKind(LayerKind kind) {
        long n = 0;
        List<ImageShape> ins = inputShapes();
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i).weightKind() == kind) n += layers.get(i).weights(ins.get(i));
        }
        return n;
    }
}
