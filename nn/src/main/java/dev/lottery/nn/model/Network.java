package dev.lottery.nn.model;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.init.Initializer;
import dev.lottery.nn.layers.Layer;
import dev.lottery.nn.layers.LayerContext;
import dev.lottery.nn.layers.LayerFactory;
import dev.lottery.nn.rng.KeyedRandom;
import dev.lottery.nn.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A model built on a backend: parameters, gradients and masks in backend memory, plus per-batch-size activation
 * buffers (owned by the layers) so a training step allocates nothing after the first. Forward and backward are
 * sequences of {@link Backend} calls made by the {@link Layer}s; masked weights are kept exactly zero by the
 * optimizer, so the forward pass reads the weights directly (they equal the masked weights).
 *
 * <p>Mode is explicit: {@link #forward(Tensor, Mode)} trains (dropout on, batch statistics) or evaluates (dropout
 * off, running statistics). {@link #forward(Tensor)} is a training pass numbered by a counter of training passes.
 */
public final class Network implements AutoCloseable {
    private final ModelSpec spec;
    private final Backend backend;
    private final List<Layer> layers = new ArrayList<>();
    private final List<Parameter> parameters = new ArrayList<>();
    /** The gradient of the logits, per batch size (the loss writes it). */
    private final Map<Integer, Tensor> logitGradients = new HashMap<>();
    private Tensor lastLogitsGradient;
    private boolean lastWasTraining;
    private long trainingPasses;
    private final int classes;

    private Network(ModelSpec spec, Backend backend) {
        this.spec = spec;
        this.backend = backend;
        this.classes = spec.classes();
    }

    /**
     * Builds the model on {@code backend} with parameters drawn from the counter-based generator keyed by
     * ({@code seed}, parameter name, "init"): the same seed gives the same initial weights on every backend.
     * Dropout masks are keyed by the same seed.
     */
    public static Network create(ModelSpec spec, Backend backend, long seed) {
        Network net = new Network(spec, backend);
        try {
            LayerContext ctx = new LayerContext(backend, seed, spec.weightInit(), spec.biasInit(), net::newParameter);
            List<ImageShape> inputs = spec.inputShapes();
            for (int i = 0; i < spec.layers().size(); i++) net.layers.add(LayerFactory.build(spec.layers().get(i), inputs.get(i), ctx));
            net.initialize(seed, "init");
            return net;
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
    }

    private Parameter newParameter(String name, String layer, LayerKind kind, boolean prunable, int[] shape, int fanIn, int fanOut,
                                   Initializer init) {
        Tensor value = backend.zeros(name, shape);
        Tensor grad = backend.zeros(name + ".grad", shape);
        Tensor mask = null;
        if (prunable) {
            float[] ones = new float[Math.toIntExact(value.size())];
            java.util.Arrays.fill(ones, 1f);
            mask = backend.upload(name + ".mask", ones, shape);
        }
        Parameter p = new Parameter(name, layer, kind, prunable, value, grad, mask, fanIn, fanOut, init);
        parameters.add(p);
        return p;
    }

    /**
     * Draws every parameter afresh from its initializer on the stream ({@code seed}, name, {@code purpose}) and
     * re-applies the masks, and resets the batch-norm running statistics. {@code "init"} gives θ0; other purposes give independent draws (e.g. the
     * random-reinitialization control).
     */
    public void initialize(long seed, String purpose) {
        for (Parameter p : parameters) {
            // Drawn where the tensor lives (on the GPU by a kernel that mirrors KeyedRandom): same bits everywhere.
            backend.fillRandom(p.value(), p.init(), p.fanIn(), p.fanOut(), new KeyedRandom(seed, p.name(), purpose));
            if (p.mask() != null) backend.applyMask(p.value(), p.mask());
        }
        resetRunningStatistics();
    }

    /** Resets layer state that is not a parameter (batch-norm running mean and variance) to its initial values. */
    public void resetRunningStatistics() {
        layers.forEach(Layer::resetState);
    }

    public ModelSpec spec() {
        return spec;
    }

    public Backend backend() {
        return backend;
    }

    /** All parameters in layer order (weight, then bias). */
    public List<Parameter> parameters() {
        return List.copyOf(parameters);
    }

    /** The prunable parameters (weights), in layer order. */
    public List<Parameter> prunable() {
        return parameters.stream().filter(Parameter::prunable).toList();
    }

    /** A training-mode forward pass (see {@link #forward(Tensor, Mode)}), numbered by the count of earlier ones. */
    public Tensor forward(Tensor x) {
        return forward(x, Mode.training(trainingPasses));
    }

    /**
     * Forward pass over {@code x}: {@code [batch, inputFeatures]}, read as {@code [batch, C, H, W]} by convolutional
     * models. Returns the logits {@code [batch, classes]} (owned by the network).
     */
    public Tensor forward(Tensor x, Mode mode) {
        int batch = x.dim(0);
        if (x.size() != (long) batch * spec.inputFeatures()) {
            throw new IllegalArgumentException("input " + x + " does not match " + spec.input() + " per example");
        }
        Tensor out = x;
        for (Layer layer : layers) out = layer.forward(out, batch, mode);
        lastWasTraining = mode.training();
        if (lastWasTraining) trainingPasses++;
        lastLogitsGradient = logitGradients.computeIfAbsent(batch, b -> backend.zeros("logits.grad", b, classes));
        return out;
    }

    /** The gradient buffer for the logits of the last forward pass; the loss writes into it before {@link #backward()}. */
    public Tensor logitsGradient() {
        if (lastLogitsGradient == null) throw new IllegalStateException("forward() first");
        return lastLogitsGradient;
    }

    /** Backpropagates {@link #logitsGradient()} through the last (training) forward pass, filling every parameter's gradient. */
    public void backward() {
        if (lastLogitsGradient == null) throw new IllegalStateException("forward() first");
        if (!lastWasTraining) throw new IllegalStateException("backward() after an evaluation-mode forward pass");
        Tensor dy = lastLogitsGradient;
        for (int i = layers.size() - 1; i >= 0; i--) dy = layers.get(i).backward(dy, i > 0);
    }

    @Override
    public void close() {
        layers.forEach(Layer::close);
        layers.clear();
        logitGradients.values().forEach(Tensor::close);
        logitGradients.clear();
        for (Parameter p : parameters) {
            p.value().close();
            p.grad().close();
            if (p.mask() != null) p.mask().close();
        }
        parameters.clear();
    }
}
