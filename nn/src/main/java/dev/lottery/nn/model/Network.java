package dev.lottery.nn.model;

import dev.lottery.nn.UserError;
import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.io.Npy;
import dev.lottery.nn.io.NpyArray;
import dev.lottery.nn.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One network: a member of a {@link Population}, seen on its own. Its parameters are its slices of the population's
 * stacked tensors (shaped as a single network's), so everything that reads or sets one network's weights, masks and
 * initial values (pruning, controls, snapshots) works on a member of any population. {@link #create} builds a
 * population of one and hands back its only member; training and the forward and backward passes are the
 * population's, which this class exposes for a population of one.
 *
 * <p>{@link #save} writes the network as a folder that NumPy reads ({@code np.load("fc1.weight.npy")}) and
 * {@link #load} reads it back. A network is not thread-safe: one thread at a time uses it (see the package notes).
 */
public final class Network implements AutoCloseable {
    private final Population population;
    private final int member;
    /** Whether closing this network closes its population (the population of one that {@link #create} made). */
    private final boolean owner;

    Network(Population population, int member, boolean owner) {
        this.population = population;
        this.member = member;
        this.owner = owner;
    }

    /**
     * Builds the model on {@code backend} as a population of one, parameters drawn from the counter-based generator
     * keyed by ({@code seed}, parameter name, "init"): the same seed gives the same initial weights on every backend.
     * Closing the network frees it.
     *
     * @param spec    the model
     * @param backend where the parameters and activations live; not owned: close it after the network
     * @param seed    keys every random draw of the network: initial weights and dropout masks
     * @return a new network that owns its population of one; the caller closes it
     */
    public static Network create(ModelSpec spec, Backend backend, long seed) {
        return new Network(Population.create(spec, backend, 1, seed), 0, true);
    }

    /**
     * The population this network belongs to (its own population of one when made by {@link #create}).
     *
     * @return the population; closing a member of a larger population leaves it open
     */
    public Population population() {
        return population;
    }

    /**
     * This network's index in its population.
     *
     * @return 0 to {@code members - 1}; 0 for a network made by {@link #create} or {@link #load}
     */
    public int member() {
        return member;
    }

    /**
     * The network's model.
     *
     * @return the model its population was built from
     */
    public ModelSpec spec() {
        return population.spec();
    }

    /**
     * The backend holding its parameters.
     *
     * @return the backend given at creation; not owned by the network
     */
    public Backend backend() {
        return population.backend();
    }

    /**
     * All parameters in layer order (weight, then bias), as this network's slices.
     *
     * @return a new unmodifiable list; the tensors are views of the population's (writes reach the network, closing
     *         them frees nothing)
     */
    public List<Parameter> parameters() {
        return population.parameters().stream().map(p -> p.slice(member)).toList();
    }

    /**
     * The prunable parameters (weights), in layer order.
     *
     * @return a new unmodifiable list of this network's weights, each with a mask; biases and batch-norm parameters
     *         are left out
     */
    public List<Parameter> prunable() {
        return parameters().stream().filter(Parameter::prunable).toList();
    }

    /**
     * Draws every parameter afresh from its initializer on the stream ({@code seed}, name, {@code purpose}),
     * re-applies the masks, and resets the batch-norm running statistics. {@code "init"} gives θ0; other purposes
     * give independent draws (e.g. the random-reinitialization control).
     *
     * @param seed    the seed of the streams; the seed given to {@link #create} gives back θ0 with {@code "init"}
     * @param purpose names the draw, e.g. {@code "init"} or {@code "reinit"}; a new purpose gives new values
     */
    public void initialize(long seed, String purpose) {
        population.initialize(member, seed, purpose);
    }

    /** Resets layer state that is not a parameter (batch-norm running mean and variance) to its initial values. */
    public void resetRunningStatistics() {
        population.resetRunningStatistics(member);
    }

    /**
     * Forward pass over {@code x}: {@code [batch, inputFeatures]}, read as {@code [batch, C, H, W]} by convolutional
     * models. Returns the logits {@code [batch, classes]} (owned by the network). For a network alone.
     *
     * @param x    the mini-batch on this network's backend, {@code batch × inputFeatures} values
     * @param mode {@link Mode#training} (dropout on, batch statistics) or {@link Mode#EVALUATION}
     * @return the logits; the network's buffer for this batch size, overwritten by the next forward pass of that
     *         size, and not to be closed by the caller
     * @throws IllegalArgumentException if {@code x} does not hold whole examples of the model's input
     * @throws IllegalStateException if the network is a member of a population of several
     */
    public Tensor forward(Tensor x, Mode mode) {
        return alone().forward(x, mode);
    }

    /**
     * The gradient buffer for the logits of the last forward pass; the loss writes into it before {@link #backward()}.
     *
     * @return the network's {@code [batch, classes]} buffer for the last batch size, not to be closed by the caller
     * @throws IllegalStateException before the first forward pass, or if the network is a member of a population of
     *                               several
     */
    public Tensor logitsGradient() {
        return alone().logitsGradient();
    }

    /**
     * Backpropagates {@link #logitsGradient()} through the last (training) forward pass, filling every parameter's
     * gradient.
     *
     * @throws IllegalStateException if no forward pass came first, the last one was in evaluation mode, or the
     *                               network is a member of a population of several
     */
    public void backward() {
        alone().backward();
    }

    private Population alone() {
        if (population.members() != 1) {
            throw new IllegalStateException("member " + member + " of a population of " + population.members() + " runs with its population");
        }
        return population;
    }

    /** Examples per forward pass of {@link #predict}: the trainer's evaluation batch. */
    private static final int PREDICT_BATCH = 1000;
    /** The model's canonical text ({@link ModelSpec#canonical()}) in a saved network's folder. */
    public static final String MODEL_FILE = "model.txt";
    /** The parameters' names in layer order, one a line, in a saved network's folder. */
    public static final String PARAMETERS_FILE = "parameters.txt";
    /**
     * The names of the layers' other state (batch-norm running statistics) in layer order, one a line, in a saved
     * network's folder.
     */
    public static final String STATE_FILE = "state.txt";

    /**
     * The class each example is predicted to belong to: the index of its largest logit, from an evaluation forward
     * pass (dropout off, batch norm on its running statistics). {@code examples[i]} holds one example's
     * {@link ModelSpec#inputFeatures()} values, prepared as the training data was (e.g. standardized with the same
     * {@code Normalization}). For a network alone.
     *
     * @param examples one array per example, each of {@code inputFeatures} values; not modified; may be empty
     * @return a new array with one class index in [0, classes) per example, in the same order
     * @throws IllegalArgumentException if an example has the wrong number of values
     * @throws IllegalStateException if the network is a member of a population of several
     */
    public int[] predict(float[][] examples) {
        int features = spec().inputFeatures();
        int classes = spec().classes();
        int[] out = new int[examples.length];
        for (int from = 0; from < examples.length; from += PREDICT_BATCH) {
            int n = Math.min(PREDICT_BATCH, examples.length - from);
            float[] batch = new float[n * features];
            for (int i = 0; i < n; i++) {
                float[] x = examples[from + i];
                if (x.length != features) {
                    throw new IllegalArgumentException("example " + (from + i) + " has " + x.length + " values, the model takes " + features);
                }
                System.arraycopy(x, 0, batch, i * features, features);
            }
            float[] logits;
            try (Tensor input = backend().upload("predict.input", batch, n, features)) {
                logits = forward(input, Mode.EVALUATION).toArray();
            }
            for (int i = 0; i < n; i++) out[from + i] = argmax(logits, i * classes, classes);
        }
        return out;
    }

    private static int argmax(float[] values, int offset, int count) {
        int best = 0;
        for (int c = 1; c < count; c++) {
            if (values[offset + c] > values[offset + best]) best = c;
        }
        return best;
    }

    /**
     * Writes this network to the folder {@code dir}: {@value #MODEL_FILE} (the model's canonical text),
     * {@value #PARAMETERS_FILE} (the parameters in layer order) and, per parameter, {@code <name>.npy} (float32)
     * and for weights {@code <name>.mask.npy} (bool); {@value #STATE_FILE} names the layers' other state, the
     * batch-norm running mean and variance ({@code <layer>.running_mean.npy}, {@code <layer>.running_var.npy}), which
     * evaluation and {@link #predict} use. The folder is written under a temporary name beside {@code dir} and
     * renamed into place, so {@code dir} holds the previous network or this one, never a mix (while a previous one
     * is replaced there is an instant between the two renames without either).
     *
     * @param dir the folder to write; its parent folders are created, and an existing folder of that name is replaced
     * @throws UncheckedIOException if a file cannot be written; a write that fails leaves {@code dir} as it was
     */
    public void save(Path dir) {
        Path target = dir.toAbsolutePath();
        // Not Files.createTempDirectory: its owner-only permissions would stay on the saved folder.
        Path tmp = target.resolveSibling(target.getFileName() + ".part-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        try {
            Files.createDirectories(target.getParent());
            Files.createDirectory(tmp);
            try {
                List<String> names = new ArrayList<>();
                for (Parameter p : parameters()) {
                    names.add(p.name());
                    Npy.write(tmp.resolve(p.name() + ".npy"), p.value().toArray(), p.value().shape());
                    if (p.mask() != null) {
                        float[] mask = p.mask().toArray();
                        boolean[] kept = new boolean[mask.length];
                        for (int i = 0; i < mask.length; i++) kept[i] = mask[i] != 0f;
                        Npy.write(tmp.resolve(p.name() + ".mask.npy"), kept, p.mask().shape());
                    }
                }
                Files.writeString(tmp.resolve(PARAMETERS_FILE), String.join("\n", names) + "\n");
                Map<String, Tensor> state = population.state(member);
                for (Map.Entry<String, Tensor> t : state.entrySet()) {
                    Npy.write(tmp.resolve(t.getKey() + ".npy"), t.getValue().toArray(), t.getValue().shape());
                }
                Files.writeString(tmp.resolve(STATE_FILE), state.keySet().stream().map(name -> name + "\n").collect(Collectors.joining()));
                Files.writeString(tmp.resolve(MODEL_FILE), spec().canonical() + "\n");
                replace(target, tmp);
            } catch (IOException | RuntimeException e) {
                deleteTree(tmp);
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the network to " + target, e);
        }
    }

    /** Puts the folder {@code tmp} in place of {@code target}; an earlier {@code target} is removed once it is. */
    private static void replace(Path target, Path tmp) throws IOException {
        if (!Files.exists(target)) {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            return;
        }
        Path old = target.resolveSibling(target.getFileName() + ".old-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(old);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(f);
        }
    }

    /**
     * Reads a network that {@link #save} wrote into a new network on {@code backend} (a population of one; closing it
     * frees it). Parameters are matched to the files by their order in {@value #PARAMETERS_FILE}, the batch-norm
     * running statistics by their order in {@value #STATE_FILE}, and each file's shape must be its tensor's.
     *
     * @param dir     a folder written by {@link #save}
     * @param backend where the loaded network lives; not owned: close it after the network
     * @return a new network with the saved weights, masks and running statistics; the caller closes it
     * @throws UserError if {@code dir} is not a saved network or does not fit its model
     * @throws UncheckedIOException if a file exists but cannot be read
     */
    public static Network load(Path dir, Backend backend) {
        String modelText;
        List<String> names, stateNames;
        try {
            modelText = Files.readString(dir.resolve(MODEL_FILE), StandardCharsets.UTF_8).strip();
            names = lines(dir.resolve(PARAMETERS_FILE));
            // Without the file, the network has no state to restore (a model without batch norm).
            Path stateFile = dir.resolve(STATE_FILE);
            stateNames = Files.exists(stateFile) ? lines(stateFile) : List.of();
        } catch (NoSuchFileException e) {
            throw new UserError(dir + " is not a saved network: " + e.getFile() + " is missing");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the network in " + dir, e);
        }
        Network net = create(ModelSpec.parse(modelText), backend, 0);
        try {
            List<Parameter> params = net.parameters();
            if (params.size() != names.size()) {
                throw new UserError(dir + ": " + names.size() + " parameters saved, the model has " + params.size());
            }
            for (int i = 0; i < params.size(); i++) {
                Parameter p = params.get(i);
                p.value().copyFrom(read(dir.resolve(names.get(i) + ".npy"), p.value()).floats());
                if (p.mask() != null) {
                    boolean[] kept = read(dir.resolve(names.get(i) + ".mask.npy"), p.mask()).booleans();
                    float[] mask = new float[kept.length];
                    for (int j = 0; j < kept.length; j++) mask[j] = kept[j] ? 1f : 0f;
                    p.mask().copyFrom(mask);
                }
            }
            List<Tensor> state = List.copyOf(net.population.state(net.member).values());
            if (state.size() != stateNames.size()) {
                throw new UserError(dir + ": " + stateNames.size() + " state tensors saved, the model has " + state.size());
            }
            for (int i = 0; i < state.size(); i++) {
                state.get(i).copyFrom(read(dir.resolve(stateNames.get(i) + ".npy"), state.get(i)).floats());
            }
            return net;
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
    }

    /** The non-blank lines of {@code file}. */
    private static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(line -> !line.isBlank()).toList();
    }

    private static NpyArray read(Path file, Tensor into) {
        NpyArray a = Npy.read(file);
        if (!Arrays.equals(a.shape(), into.shape())) {
            throw new UserError(file + " holds shape " + Arrays.toString(a.shape()) + ", " + into.name() + " is " + Arrays.toString(into.shape()));
        }
        return a;
    }

    @Override
    public void close() {
        if (owner) population.close();
    }
}
