package dev.lottery.nn.model;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.tensor.Tensor;
import java.util.List;

/**
 * One network: a member of a {@link Population}, seen on its own. Its parameters are its slices of the population's
 * stacked tensors (shaped as a single network's), so everything that reads or sets one network's weights, masks and
 * initial values (pruning, controls, snapshots) works on a member of any population. {@link #create} builds a
 * population of one and hands back its only member; training and the forward and backward passes are the
 * population's, which this class exposes for a population of one.
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
     */
    public static Network create(ModelSpec spec, Backend backend, long seed) {
        return new Network(Population.create(spec, backend, 1, seed), 0, true);
    }

    public Population population() {
        return population;
    }

    /** This network's index in its population. */
    public int member() {
        return member;
    }

    public ModelSpec spec() {
        return population.spec();
    }

    public Backend backend() {
        return population.backend();
    }

    /** All parameters in layer order (weight, then bias), as this network's slices. */
    public List<Parameter> parameters() {
        return population.parameters().stream().map(p -> p.slice(member)).toList();
    }

    /** The prunable parameters (weights), in layer order. */
    public List<Parameter> prunable() {
        return parameters().stream().filter(Parameter::prunable).toList();
    }

    /**
     * Draws every parameter afresh from its initializer on the stream ({@code seed}, name, {@code purpose}),
     * re-applies the masks, and resets the batch-norm running statistics. {@code "init"} gives θ0; other purposes
     * give independent draws (e.g. the random-reinitialization control).
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
     */
    public Tensor forward(Tensor x, Mode mode) {
        return alone().forward(x, mode);
    }

    /** The gradient buffer for the logits of the last forward pass; the loss writes into it before {@link #backward()}. */
    public Tensor logitsGradient() {
        return alone().logitsGradient();
    }

    /** Backpropagates {@link #logitsGradient()} through the last (training) forward pass, filling every parameter's gradient. */
    public void backward() {
        alone().backward();
    }

    private Population alone() {
        if (population.members() != 1) {
            throw new IllegalStateException("member " + member + " of a population of " + population.members() + " runs with its population");
        }
        return population;
    }

    @Override
    public void close() {
        if (owner) population.close();
    }
}
