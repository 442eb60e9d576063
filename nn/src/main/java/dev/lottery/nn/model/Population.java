package dev.lottery.nn.model;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.PreparedMask;
import dev.lottery.nn.init.Initializer;
import dev.lottery.nn.layers.Layer;
import dev.lottery.nn.layers.LayerContext;
import dev.lottery.nn.layers.LayerFactory;
import dev.lottery.nn.rng.KeyedRandom;
import dev.lottery.nn.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code members} networks of one architecture built side by side on a backend, trained in lockstep on the same
 * mini-batches ({@link #forward}) or each on its own ({@link #forwardOwnBatches}): each has its own parameters, masks
 * and optimizer state, and one forward or backward pass runs all of them (a single network is the population of one;
 * there is no other code path). Parameters are stacked {@code [members, ...]} in backend memory; activations hold the
 * members side by side along the channels (see {@link dev.lottery.nn.backend.Backend}), so the first layer reads the
 * shared mini-batch in one wide product and every later op covers all members in one call. {@link #member(int)} is one
 * member seen as a {@link Network}.
 *
 * <p>Per-batch-size activation buffers are owned by the layers, so a training step allocates nothing after the first.
 * Masked weights are kept exactly zero by the optimizer, so the forward pass reads the weights directly. A training
 * run {@link #prepareMasks() prepares} the masks, which lets the backend skip pruned weights until the run ends.
 */
public final class Population implements AutoCloseable {
    private final ModelSpec spec;
    private final Backend backend;
    private final int members;
    private final List<Layer> layers = new ArrayList<>();
    /** Per layer: whether its input is each member's own, so the backward pass owes the layers before it a gradient. */
    private final List<Boolean> ownInput = new ArrayList<>();
    /** Every parameter, stacked over the members, in layer order (weight, then bias). */
    private final List<Parameter> parameters = new ArrayList<>();
    /** The gradient of the logits {@code [batch, members*classes]}, per batch size (the loss writes it). */
    private final Map<Integer, Tensor> logitGradients = new HashMap<>();
    private Tensor lastLogitsGradient;
    private boolean lastWasTraining;
    /** Every prunable parameter's prepared mask while a training run holds the masks fixed; empty otherwise. */
    private final Map<Parameter, PreparedMask> prepared = new IdentityHashMap<>();

    private Population(ModelSpec spec, Backend backend, int members) {
        this.spec = spec;
        this.backend = backend;
        this.members = members;
    }

    /**
     * Builds {@code members} copies of the model on {@code backend}, every member's parameters drawn from the
     * counter-based generator keyed by ({@code seed}, parameter name, "init"): the same seed gives the same initial
     * weights on every backend and in every member. Dropout masks are keyed by the same seed.
     *
     * @param spec    the members' model
     * @param backend where the parameters and activations live; not owned: close it after the population
     * @param members how many networks to build, at least 1
     * @param seed    keys every random draw: initial weights and dropout masks
     * @return a new population, owned by the caller, who closes it
     * @throws IllegalArgumentException if {@code members} is less than 1
     */
    public static Population create(ModelSpec spec, Backend backend, int members, long seed) {
        if (members <= 0) throw new IllegalArgumentException("a population needs at least one member, got " + members);
        Population p = new Population(spec, backend, members);
        try {
            LayerContext ctx = new LayerContext(backend, members, seed, spec.weightInit(), spec.biasInit(), p::newParameter, p::preparedMask);
            List<ImageShape> inputs = spec.inputShapes();
            // Every member reads the same mini-batch: layers without parameters pass it on as it is, the first layer
            // with parameters makes each member's own activations.
            boolean shared = true;
            for (int i = 0; i < spec.layers().size(); i++) {
                Layer layer = LayerFactory.build(spec.layers().get(i), inputs.get(i), shared, ctx);
                p.layers.add(layer);
                p.ownInput.add(!shared);
                shared &= layer.parameters().isEmpty();
            }
            p.initialize(seed, "init");
            return p;
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
    }

    private Parameter newParameter(String name, String layer, LayerKind kind, boolean prunable, int[] shape, int fanIn, int fanOut,
                                   Initializer init) {
        int[] stacked = new int[shape.length + 1];
        stacked[0] = members;
        System.arraycopy(shape, 0, stacked, 1, shape.length);
        Tensor value = backend.zeros(name, stacked);
        Tensor grad = backend.zeros(name + ".grad", stacked);
        Tensor mask = null;
        if (prunable) {
            float[] ones = new float[Math.toIntExact(value.size())];
            Arrays.fill(ones, 1f);
            mask = backend.upload(name + ".mask", ones, stacked);
        }
        Parameter p = new Parameter(name, layer, kind, prunable, value, grad, mask, fanIn, fanOut, init);
        parameters.add(p);
        return p;
    }

    /**
     * The members' model.
     *
     * @return the model every member shares
     */
    public ModelSpec spec() {
        return spec;
    }

    /**
     * The backend holding the parameters.
     *
     * @return the backend given at creation; not owned by the population
     */
    public Backend backend() {
        return backend;
    }

    /**
     * How many networks train side by side.
     *
     * @return the number of members, at least 1
     */
    public int members() {
        return members;
    }

    /**
     * Roughly the backend memory one more member takes: its parameters with their gradients, masks and momentum, and
     * the activation buffers its layers keep per batch size (one training batch and one evaluation batch, output and
     * input gradient each). The engines divide {@link dev.lottery.nn.backend.Backend#availableMemory()} by it to bound a
     * population's size.
     *
     * @param spec       the model
     * @param trainBatch examples per training step
     * @param evalBatch  examples per evaluation forward pass
     * @return an estimate in bytes (float32 values), not a bound
     */
    public static long bytesPerMember(ModelSpec spec, int trainBatch, int evalBatch) {
        ModelSpec.ParameterCount params = spec.parameterCount();
        long values = 4 * params.weights() + 3 * params.biases();
        long activations = 0;
        List<ImageShape> shapes = spec.shapes();
        for (int i = 0; i < shapes.size(); i++) {
            // A residual block keeps its two convolutions' and batch norms' outputs (and a projection's) besides its own.
            activations += (spec.layers().get(i) instanceof LayerSpec.ResidualBlock ? 6L : 1L) * shapes.get(i).features();
        }
        values += 2L * activations * (trainBatch + evalBatch);
        return values * Float.BYTES;
    }

    /**
     * Member {@code index} as a network (a view: closing it leaves the population open).
     *
     * @param index the member, 0 to {@code members() - 1}
     * @return a new view over the member's slices of the parameters; valid while the population is open
     * @throws IndexOutOfBoundsException if {@code index} is out of range
     */
    public Network member(int index) {
        if (index < 0 || index >= members) throw new IndexOutOfBoundsException("member " + index + " of " + members);
        return new Network(this, index, false);
    }

    /**
     * Every parameter stacked {@code [members, ...]}, in layer order (weight, then bias).
     *
     * @return a new unmodifiable list of the population's own parameters (not copies); the population closes them
     */
    public List<Parameter> parameters() {
        return List.copyOf(parameters);
    }

    /**
     * Draws every member's parameters afresh on the stream ({@code seed}, name, {@code purpose}); see
     * {@link Network#initialize}. Every member gets the same values, because the stream does not depend on the member.
     *
     * @param seed    the seed of the streams
     * @param purpose names the draw, e.g. {@code "init"}; a new purpose gives new values
     */
    public void initialize(long seed, String purpose) {
        for (int m = 0; m < members; m++) initialize(m, seed, purpose);
    }

    void initialize(int member, long seed, String purpose) {
        for (Parameter stacked : parameters) {
            Parameter p = stacked.slice(member);
            // Drawn where the tensor lives (on the GPU by a kernel that mirrors KeyedRandom): same bits everywhere.
            backend.fillRandom(p.value(), p.init(), p.fanIn(), p.fanOut(), new KeyedRandom(seed, p.name(), purpose));
            if (p.mask() != null) backend.applyMask(p.value(), p.mask());
        }
        resetRunningStatistics(member);
    }

    void resetRunningStatistics(int member) {
        for (Layer layer : layers) layer.resetState(member);
    }

    /** Member {@code member}'s non-parameter state by name, in layer order (see {@link Layer#state}). */
    Map<String, Tensor> state(int member) {
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (Layer layer : layers) state.putAll(layer.state(member));
        return state;
    }

    /**
     * Forward pass of every member over the shared mini-batch {@code x}: {@code [batch, inputFeatures]}, read as
     * {@code [batch, C, H, W]} by convolutional models. Returns the logits {@code [batch, members*classes]} (member n's
     * are the column block n; owned by the population).
     *
     * @param x    the shared mini-batch on the population's backend, {@code batch × inputFeatures} values
     * @param mode {@link Mode#training} (dropout on, batch statistics) or {@link Mode#EVALUATION}
     * @return the logits; the population's buffer for this batch size, overwritten by the next forward pass of that
     *         size, and not to be closed by the caller
     * @throws IllegalArgumentException if {@code x} does not hold whole examples of the model's input
     */
    public Tensor forward(Tensor x, Mode mode) {
        int batch = x.dim(0);
        if (x.size() != (long) batch * spec.inputFeatures()) {
            throw new IllegalArgumentException("input " + x + " does not match " + spec.input() + " per example");
        }
        return run(x, batch, mode);
    }

    /**
     * Forward pass of every member over its own mini-batch (members of different trials, whose batches differ):
     * {@code x [batch*members, inputFeatures]} holds member n's example i in row {@code i*members + n}, which is
     * the members' layout {@code [batch, members*inputFeatures]} every later activation has, so the first layer runs
     * as the later ones do (one product or convolution group per member) and each member gets the bits it gets alone
     * on the CPU. Returns the logits as {@link #forward} does.
     *
     * @param x    every member's mini-batch on the population's backend, {@code batch × members × inputFeatures} values
     * @param mode {@link Mode#training} (dropout on, batch statistics) or {@link Mode#EVALUATION}
     * @return the logits {@code [batch, members*classes]}; the population's buffer, not to be closed by the caller
     * @throws IllegalArgumentException if {@code x} does not hold whole examples of every member
     * @throws IllegalStateException if the model's members cannot read their own batches ({@link #readsOwnBatches})
     */
    public Tensor forwardOwnBatches(Tensor x, Mode mode) {
        long perRow = (long) members * spec.inputFeatures();
        if (x.size() % perRow != 0 || x.size() == 0) {
            throw new IllegalArgumentException("input " + x + " is not whole examples of " + spec.input() + " for each of " + members + " members");
        }
        if (members > 1 && !readsOwnBatches(spec)) {
            throw new IllegalStateException("the first layer of " + spec.name()
                    + " is not fully connected or a convolution, so its members cannot read their own batches");
        }
        return run(x, Math.toIntExact(x.size() / perRow), mode);
    }

    /**
     * Whether members of {@code model} can read their own batches ({@link #forwardOwnBatches}): its first layer is fully
     * connected or a convolution, the layers that read a shared input or each member's own alike. Layers without
     * parameters before it would pass on only a shared input.
     *
     * @param model the members' model
     * @return true when the first layer is a dense layer or a convolution
     */
    public static boolean readsOwnBatches(ModelSpec model) {
        LayerSpec first = model.layers().getFirst();
        return first instanceof LayerSpec.Dense || first instanceof LayerSpec.Conv2d;
    }

    private Tensor run(Tensor x, int batch, Mode mode) {
        Tensor out = x;
        for (Layer layer : layers) out = layer.forward(out, batch, mode);
        lastWasTraining = mode.training();
        lastLogitsGradient = logitGradients.computeIfAbsent(batch, b -> backend.zeros("logits.grad", b, members * spec.classes()));
        return out;
    }

    /**
     * The gradient buffer for the logits of the last forward pass; the loss writes into it before {@link #backward()}.
     *
     * @return the population's {@code [batch, members*classes]} buffer for the last batch size, not to be closed by
     *         the caller
     * @throws IllegalStateException before the first forward pass
     */
    public Tensor logitsGradient() {
        if (lastLogitsGradient == null) throw new IllegalStateException("forward() first");
        return lastLogitsGradient;
    }

    /**
     * Backpropagates {@link #logitsGradient()} through the last (training) forward pass, filling every parameter's
     * gradient.
     *
     * @throws IllegalStateException if no forward pass came first or the last one was in evaluation mode
     */
    public void backward() {
        if (lastLogitsGradient == null) throw new IllegalStateException("forward() first");
        if (!lastWasTraining) throw new IllegalStateException("backward() after an evaluation-mode forward pass");
        Tensor dy = lastLogitsGradient;
        // Layers that read the shared mini-batch (or what parameter-free layers made of it) pass no gradient back.
        for (int i = layers.size() - 1; i >= 0 && dy != null; i--) dy = layers.get(i).backward(dy, ownInput.get(i));
    }

    /**
     * Holds every mask fixed until the returned handle closes (one training run): the backend prepares each weight's
     * mask ({@link Backend#prepareMask}) so that products and SGD steps may skip pruned weights. Masked weights are set
     * to zero first, as the prepared kernels assume. Masks must not change while prepared.
     *
     * @return the handle; close it (try-with-resources) when the run ends, before the masks change
     * @throws IllegalStateException if the masks are prepared already
     */
    public PreparedMasks prepareMasks() {
        if (!prepared.isEmpty()) throw new IllegalStateException("the masks are prepared already (one training run at a time)");
        try {
            for (Parameter p : parameters) {
                if (p.mask() == null) continue;
                backend.applyMask(p.value(), p.mask());
                // A member's weight as a matrix: [units, inputs], or [filters, channels*kernel*kernel].
                int rows = p.value().dim(1), cols = Math.toIntExact(p.value().size() / ((long) members * rows));
                prepared.put(p, backend.prepareMask(p.mask(), rows, cols));
            }
        } catch (RuntimeException e) {
            releaseMasks();
            throw e;
        }
        return new PreparedMasks();
    }

    /**
     * The prepared mask of stacked parameter {@code p} while {@link #prepareMasks()} holds, otherwise null.
     *
     * @param p one of {@link #parameters()} (matched by identity, so not a member's slice)
     * @return the backend's prepared form of the mask, owned by the population; null when the masks are not
     *         prepared or {@code p} has no mask
     */
    public PreparedMask preparedMask(Parameter p) {
        return prepared.get(p);
    }

    private void releaseMasks() {
        prepared.values().forEach(PreparedMask::close);
        prepared.clear();
    }

    /** The masks held fixed by {@link #prepareMasks()}; closing it lets them change again. */
    public final class PreparedMasks implements AutoCloseable {
        private PreparedMasks() {}

        @Override
        public void close() {
            releaseMasks();
        }
    }

    /** The built layers (tests). */
    List<Layer> layers() {
        return List.copyOf(layers);
    }

    @Override
    public void close() {
        releaseMasks();
        layers.forEach(Layer::close);
        layers.clear();
        ownInput.clear();
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
