package dev.lottery.nn.train;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.PreparedMask;
import dev.lottery.nn.model.Parameter;
import dev.lottery.nn.model.Population;
import dev.lottery.nn.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Stochastic gradient descent with optional momentum and weight decay over a population's parameters. The update
 * runs in the backend, one call per stacked parameter for all members, and keeps masked weights exactly zero (with
 * the run's prepared masks, the backend may skip them: they are zero already).
 * Momentum buffers live beside the parameters, stacked the same way.
 */
public final class Sgd implements AutoCloseable {
    private final OptimizerSpec spec;
    private final Population population;
    private final List<Parameter> parameters;
    /** One per parameter, stacked {@code [members, ...]}; null entries without momentum. */
    private final List<Tensor> velocities = new ArrayList<>();

    /**
     * SGD with {@code spec} over {@code population}'s parameters (momentum buffers made when momentum is used).
     *
     * @param spec       learning-rate schedule, momentum and weight decay
     * @param population whose parameters are updated; must outlive the optimizer, which owns only its momentum buffers
     */
    public Sgd(OptimizerSpec spec, Population population) {
        this.spec = spec;
        this.population = population;
        this.parameters = population.parameters();
        for (Parameter p : parameters) {
            velocities.add(spec.momentum() == 0 ? null : population.backend().zeros(p.name() + ".velocity", p.value().shape()));
        }
    }

    /**
     * Applies the gradients currently in the parameters, at the learning rate for {@code iteration}.
     *
     * @param iteration the training step, counted from 0; picks the rate from the schedule
     */
    public void step(long iteration) {
        Backend backend = population.backend();
        float lr = (float) spec.learningRate().at(iteration);
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            PreparedMask prepared = population.preparedMask(p);
            if (prepared != null) {
                backend.sgdStep(p.value(), p.grad(), prepared, velocities.get(i), lr, (float) spec.momentum(), (float) spec.weightDecay());
            } else {
                backend.sgdStep(p.value(), p.grad(), p.mask(), velocities.get(i), lr, (float) spec.momentum(), (float) spec.weightDecay());
            }
        }
    }

    /** Member {@code member}'s momentum buffers, one per parameter in order (null entries without momentum); for {@link Checkpointer}. */
    List<Tensor> velocities(int member) {
        return velocities.stream().map(v -> v == null ? null : v.slice(member)).toList();
    }

    @Override
    public void close() {
        for (Tensor v : velocities) {
            if (v != null) v.close();
        }
    }
}
