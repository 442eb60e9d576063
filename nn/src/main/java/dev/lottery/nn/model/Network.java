package dev.lottery.nn.model;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.init.Initializer;
import dev.lottery.nn.rng.KeyedRandom;
import dev.lottery.nn.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A model built on a backend: parameters, gradients and masks in backend memory, plus per-batch-size activation
 * buffers so a training step allocates nothing after the first. Forward and backward are sequences of
 * {@link Backend} calls; masked weights are kept exactly zero by the optimizer, so the forward pass reads the
 * weights directly (they equal the masked weights).
 */
public final class Network implements AutoCloseable {
    private final ModelSpec spec;
    private final Backend backend;
    private final List<Dense> layers = new ArrayList<>();
    private final List<Parameter> parameters = new ArrayList<>();
    private final Map<Integer, Workspace> workspaces = new HashMap<>();
    private Workspace last;

    private record Dense(LayerSpec.Dense spec, int inputs, Parameter weight, Parameter bias) {}

    /** Activations for one batch size: outputs and their gradients per layer. */
    private static final class Workspace implements AutoCloseable {
        final Tensor[] outputs;
        final Tensor[] gradients;
        Tensor input;

        Workspace(Backend backend, List<Dense> layers, int batch) {
            outputs = new Tensor[layers.size()];
            gradients = new Tensor[layers.size()];
            for (int i = 0; i < layers.size(); i++) {
                Dense d = layers.get(i);
                outputs[i] = backend.zeros(d.spec.name() + ".out", batch, d.spec.units());
                gradients[i] = backend.zeros(d.spec.name() + ".dout", batch, d.spec.units());
            }
        }

        @Override
        public void close() {
            for (Tensor t : outputs) t.close();
            for (Tensor t : gradients) t.close();
        }
    }

    private Network(ModelSpec spec, Backend backend) {
        this.spec = spec;
        this.backend = backend;
    }

    /**
     * Builds the model on {@code backend} with parameters drawn from the counter-based generator keyed by
     * ({@code seed}, parameter name, "init"): the same seed gives the same initial weights on every backend.
     */
    public static Network create(ModelSpec spec, Backend backend, long seed) {
        Network net = new Network(spec, backend);
        try {
            int in = spec.inputFeatures();
            for (LayerSpec l : spec.layers()) {
                LayerSpec.Dense d = (LayerSpec.Dense) l;
                Parameter w = net.newParameter(d.name() + ".weight", d, true, new int[] {d.units(), in}, in, d.units(), spec.weightInit());
                Parameter b = net.newParameter(d.name() + ".bias", d, false, new int[] {d.units()}, in, d.units(), spec.biasInit());
                net.layers.add(new Dense(d, in, w, b));
                in = d.units();
            }
            net.initialize(seed, "init");
            return net;
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
    }

    private Parameter newParameter(String name, LayerSpec.Dense d, boolean prunable, int[] shape, int fanIn, int fanOut, Initializer init) {
        Tensor value = backend.zeros(name, shape);
        Tensor grad = backend.zeros(name + ".grad", shape);
        Tensor mask = null;
        if (prunable) {
            float[] ones = new float[Math.toIntExact(value.size())];
            java.util.Arrays.fill(ones, 1f);
            mask = backend.upload(name + ".mask", ones, shape);
        }
        Parameter p = new Parameter(name, d.name(), d.kind(), prunable, value, grad, mask, fanIn, fanOut, init);
        parameters.add(p);
        return p;
    }

    /**
     * Draws every parameter afresh from its initializer on the stream ({@code seed}, name, {@code purpose}) and
     * re-applies the masks. {@code "init"} gives θ0; other purposes give independent draws (e.g. the
     * random-reinitialization control).
     */
    public void initialize(long seed, String purpose) {
        for (Parameter p : parameters) {
            float[] values = new float[Math.toIntExact(p.size())];
            p.init().fill(values, p.fanIn(), p.fanOut(), new KeyedRandom(seed, p.name(), purpose));
            p.value().copyFrom(values);
            if (p.mask() != null) backend.applyMask(p.value(), p.mask());
        }
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

    private Workspace workspace(int batch) {
        return workspaces.computeIfAbsent(batch, b -> new Workspace(backend, layers, b));
    }

    /** Forward pass over {@code x [batch, inputFeatures]}; returns the logits {@code [batch, classes]} (owned by the network). */
    public Tensor forward(Tensor x) {
        int batch = x.dim(0);
        if (x.rank() != 2 || x.dim(1) != spec.inputFeatures()) {
            throw new IllegalArgumentException("input " + x + " does not match " + spec.inputFeatures() + " features");
        }
        Workspace ws = workspace(batch);
        ws.input = x;
        Tensor in = x;
        for (int i = 0; i < layers.size(); i++) {
            Dense d = layers.get(i);
            Tensor out = ws.outputs[i];
            backend.gemm(false, true, 1f, in, d.weight.value(), 0f, out);
            backend.addBias(out, d.bias.value());
            if (d.spec.activation() == Activation.RELU) backend.relu(out);
            in = out;
        }
        last = ws;
        return ws.outputs[layers.size() - 1];
    }

    /** The gradient buffer for the logits of the last forward pass; the loss writes into it before {@link #backward()}. */
    public Tensor logitsGradient() {
        if (last == null) throw new IllegalStateException("forward() first");
        return last.gradients[layers.size() - 1];
    }

    /** Backpropagates {@link #logitsGradient()} through the last forward pass, filling every parameter's gradient. */
    public void backward() {
        Workspace ws = last;
        if (ws == null) throw new IllegalStateException("forward() first");
        for (int i = layers.size() - 1; i >= 0; i--) {
            Dense d = layers.get(i);
            Tensor dy = ws.gradients[i];
            if (d.spec.activation() == Activation.RELU) backend.reluBackward(ws.outputs[i], dy);
            Tensor in = i == 0 ? ws.input : ws.outputs[i - 1];
            backend.gemm(true, false, 1f, dy, in, 0f, d.weight.grad());
            backend.sumRows(dy, d.bias.grad());
            if (i > 0) backend.gemm(false, false, 1f, dy, d.weight.value(), 0f, ws.gradients[i - 1]);
        }
    }

    @Override
    public void close() {
        workspaces.values().forEach(Workspace::close);
        workspaces.clear();
        for (Parameter p : parameters) {
            p.value().close();
            p.grad().close();
            if (p.mask() != null) p.mask().close();
        }
        parameters.clear();
    }
}
