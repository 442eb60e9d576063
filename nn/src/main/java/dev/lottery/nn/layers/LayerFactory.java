package dev.lottery.nn.layers;

import dev.lottery.nn.model.ImageShape;
import dev.lottery.nn.model.LayerSpec;

/** Builds the runtime layer for a layer spec (one case per member of the sealed family). */
public final class LayerFactory {
    private LayerFactory() {}

    /**
     * The layer for {@code spec} over inputs of one member's shape {@code input}; {@code sharedInput} when every member
     * reads the same input (the population's mini-batch, or what parameter-free layers made of it).
     */
    public static Layer build(LayerSpec spec, ImageShape input, boolean sharedInput, LayerContext ctx) {
        return switch (spec) {
            case LayerSpec.Dense d -> new DenseLayer(d, input, sharedInput, ctx);
            case LayerSpec.Conv2d c -> new Conv2dLayer(c, input, sharedInput, ctx);
            case LayerSpec.MaxPool p -> new MaxPoolLayer(p, input, sharedInput, ctx);
            case LayerSpec.Flatten f -> new FlattenLayer(f, input, sharedInput, ctx);
            case LayerSpec.Dropout d -> new DropoutLayer(d, input, sharedInput, ctx);
            case LayerSpec.BatchNorm b -> new BatchNormLayer(b, input, sharedInput, ctx);
            case LayerSpec.ResidualBlock r -> new ResidualBlockLayer(r, input, sharedInput, ctx);
            case LayerSpec.GlobalAvgPool g -> new GlobalAvgPoolLayer(g, input, sharedInput, ctx);
        };
    }

    /** How many members' activations a layer's input holds side by side: 1 when they all share it. */
    static int width(boolean shared, LayerContext ctx) {
        return shared ? 1 : ctx.members();
    }

    /** Refuses a shared input for a layer whose members must each see their own (per-member parameters on the input). */
    static void requireOwnInput(boolean shared, LayerContext ctx, LayerSpec spec) {
        if (shared && ctx.members() > 1) {
            throw new IllegalArgumentException(spec.name() + ": a population's first layer with parameters must be dense or convolutional");
        }
    }
}
