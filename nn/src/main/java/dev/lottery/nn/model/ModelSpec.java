package dev.lottery.nn.model;

import dev.lottery.nn.init.Initializer;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A model as data: input size, layers in order, and how parameters are initialized. Its {@link #canonical()}
 * string names it completely, so experiments can hash it.
 *
 * @param inputFeatures values per example after flattening (784 for 28x28x1)
 */
public record ModelSpec(String name, int inputFeatures, List<LayerSpec> layers, Initializer weightInit, Initializer biasInit) {
    public ModelSpec {
        layers = List.copyOf(layers);
        if (layers.isEmpty()) throw new IllegalArgumentException(name + ": no layers");
        if (inputFeatures <= 0) throw new IllegalArgumentException(name + ": inputFeatures must be positive");
    }

    /** Number of classes the model predicts (the last layer's width). */
    public int classes() {
        return ((LayerSpec.Dense) layers.getLast()).units();
    }

    public String canonical() {
        return "model(name=" + name + ",input=" + inputFeatures + ",layers=["
                + layers.stream().map(l -> ((LayerSpec.Dense) l).canonical()).collect(Collectors.joining(","))
                + "],weight_init=" + weightInit.canonical() + ",bias_init=" + biasInit.canonical() + ")";
    }

    /** The same model with another weight initializer (a command-line override). */
    public ModelSpec withWeightInit(Initializer init) {
        return new ModelSpec(name, inputFeatures, layers, init, biasInit);
    }

    /** The same layers over another input size (e.g. for small test data). */
    public ModelSpec withInput(int features) {
        return new ModelSpec(name, features, layers, weightInit, biasInit);
    }

    /** Parameter counts: weights (prunable) and biases. */
    public record ParameterCount(long weights, long biases) {
        public long total() {
            return weights + biases;
        }
    }

    public ParameterCount parameterCount() {
        long weights = 0, biases = 0;
        int in = inputFeatures;
        for (LayerSpec l : layers) {
            LayerSpec.Dense d = (LayerSpec.Dense) l;
            weights += (long) in * d.units();
            biases += d.units();
            in = d.units();
        }
        return new ParameterCount(weights, biases);
    }
}
