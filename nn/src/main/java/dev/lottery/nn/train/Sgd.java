package dev.lottery.nn.train;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.model.Network;
import dev.lottery.nn.model.Parameter;
import dev.lottery.nn.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Stochastic gradient descent with optional momentum and weight decay over a network's parameters. The update
 * runs in the backend and keeps masked weights exactly zero. Momentum buffers live beside the parameters.
 */
public final class Sgd implements AutoCloseable {
    private final OptimizerSpec spec;
    private final Network network;
    private final List<Parameter> parameters;
    private final List<Tensor> velocities = new ArrayList<>();

    public Sgd(OptimizerSpec spec, Network network) {
        this.spec = spec;
        this.network = network;
        this.parameters = network.parameters();
        for (Parameter p : parameters) {
            velocities.add(spec.momentum() == 0 ? null : network.backend().zeros(p.name() + ".velocity", p.value().shape()));
        }
    }

    /** Applies the gradients currently in the parameters, at the learning rate for {@code iteration}. */
    public void step(long iteration) {
        Backend backend = network.backend();
        float lr = (float) spec.learningRate().at(iteration);
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            backend.sgdStep(p.value(), p.grad(), p.mask(), velocities.get(i), lr, (float) spec.momentum(), (float) spec.weightDecay());
        }
    }

    /** The momentum buffers, one per parameter in order (null entries without momentum); for {@link Checkpointer}. */
    List<Tensor> velocities() {
        return java.util.Collections.unmodifiableList(velocities);
    }

    @Override
    public void close() {
        for (Tensor v : velocities) {
            if (v != null) v.close();
        }
    }
}
