package dev.lottery.nn.layers;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.PreparedMask;
import dev.lottery.nn.init.Initializer;
import dev.lottery.nn.model.LayerKind;
import dev.lottery.nn.model.Parameter;

/**
 * What a layer needs from the population that builds it: the backend, the number of members side by side, the seed
 * that keys dropout masks, the model's initializers, a factory that creates (and registers) parameters, and the
 * prepared masks of the current training run.
 */
public record LayerContext(Backend backend, int members, long seed, Initializer weightInit, Initializer biasInit, ParameterFactory parameters,
                           MaskLookup masks) {
    /**
     * Creates a parameter stacked {@code [members, shape...]} with its gradient (and an all-ones mask when prunable)
     * in backend memory; {@code shape}, fans and initializer are those of one member's parameter.
     */
    @FunctionalInterface
    public interface ParameterFactory {
        Parameter create(String name, String layer, LayerKind kind, boolean prunable, int[] shape, int fanIn, int fanOut, Initializer init);
    }

    /** The prepared mask of a stacked weight while a training run holds the masks fixed, otherwise null. */
    @FunctionalInterface
    public interface MaskLookup {
        PreparedMask of(Parameter weight);
    }
}
