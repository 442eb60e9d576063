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
 * @param input one example's shape: {@code 784x1x1} for a flat MNIST vector, {@code 3x32x32} for CIFAR-10 images
 */
public record ModelSpec(String name, ImageShape input, List<LayerSpec> layers, Initializer weightInit, Initializer biasInit) {
    /** Checks that there are layers, each accepts its input shape and the last one ends flat. */
    public ModelSpec {
        layers = List.copyOf(layers);
        if (layers.isEmpty()) throw new IllegalArgumentException(name + ": no layers");
        ImageShape shape = input;
        for (LayerSpec l : layers) shape = l.outputShape(shape);
        if (!shape.isFlat()) throw new IllegalArgumentException(name + ": the last layer's output " + shape + " is not flat");
    }

    /** A model over flat inputs of {@code inputFeatures} values (fully-connected networks). */
    public ModelSpec(String name, int inputFeatures, List<LayerSpec> layers, Initializer weightInit, Initializer biasInit) {
        this(name, flatInput(name, inputFeatures), layers, weightInit, biasInit);
    }

    private static ImageShape flatInput(String name, int features) {
        if (features <= 0) throw new IllegalArgumentException(name + ": inputFeatures must be positive");
        return ImageShape.flat(features);
    }

    /** Values per example after flattening (784 for 28x28x1). */
    public int inputFeatures() {
        return input.features();
    }

    /** Number of classes the model predicts (the last layer's width). */
    public int classes() {
        return shapes().getLast().features();
    }

    /** The output shape of every layer, in order. */
    public List<ImageShape> shapes() {
        List<ImageShape> out = new ArrayList<>(layers.size());
        ImageShape shape = input;
        for (LayerSpec l : layers) {
            shape = l.outputShape(shape);
            out.add(shape);
        }
        return out;
    }

    /** The input shape of every layer, in order. */
    public List<ImageShape> inputShapes() {
        List<ImageShape> out = new ArrayList<>(layers.size());
        out.add(input);
        List<ImageShape> outputs = shapes();
        out.addAll(outputs.subList(0, outputs.size() - 1));
        return out;
    }

    /** Flat inputs keep the historical {@code input=784} form, so fully-connected models hash as before. */
    public String canonical() {
        return "model(name=" + name + ",input=" + (input.isFlat() ? Integer.toString(input.features()) : input.toString())
                + ",layers=[" + layers.stream().map(LayerSpec::canonical).collect(Collectors.joining(","))
                + "],weight_init=" + weightInit.canonical() + ",bias_init=" + biasInit.canonical() + ")";
    }

    /**
     * Reads a {@link #canonical()} text back. A model named like a model preset is rebuilt from that preset; any other
     * model gets the presets' layer names ({@code fc1}, {@code conv1}, ...; the canonical text does not hold them).
     *
     * @throws dev.lottery.nn.UserError if {@code text} is not a model in canonical form
     */
    public static ModelSpec parse(String text) {
        return ModelText.parse(text);
    }

    /** The same model with another weight initializer (a command-line override). */
    public ModelSpec withWeightInit(Initializer init) {
        return new ModelSpec(name, input, layers, init, biasInit);
    }

    /** The same layers over flat inputs of another size (e.g. for small test data). */
    public ModelSpec withInput(int features) {
        return new ModelSpec(name, features, layers, weightInit, biasInit);
    }

    /** The same layers over another input shape (e.g. CIFAR-10's 3x32x32 or Fashion-MNIST's 1x28x28). */
    public ModelSpec withInput(ImageShape shape) {
        return new ModelSpec(name, shape, layers, weightInit, biasInit);
    }

    /** Parameter counts: weights (prunable) and biases (every other parameter: biases, batch-norm scales and shifts). */
    public record ParameterCount(long weights, long biases) {
        /** Weights and biases together. */
        public long total() {
            return weights + biases;
        }
    }

    /** The model's weights and other parameters. */
    public ParameterCount parameterCount() {
        long weights = 0, others = 0;
        List<ImageShape> ins = inputShapes();
        for (int i = 0; i < layers.size(); i++) {
            weights += layers.get(i).weights(ins.get(i));
            others += layers.get(i).otherParameters(ins.get(i));
        }
        return new ParameterCount(weights, others);
    }

    /** Prunable weights in layers of one pruning family (e.g. the convolutional weights of Figure 1). */
    public long weightsOfKind(LayerKind kind) {
        long n = 0;
        List<ImageShape> ins = inputShapes();
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i).weightKind() == kind) n += layers.get(i).weights(ins.get(i));
        }
        return n;
    }
}
