package dev.lottery.nn.layers;

import dev.lottery.nn.model.ImageShape;
import dev.lottery.nn.model.LayerSpec;

/** Builds the runtime layer for a layer spec (one case per member of the sealed family). */
public final class LayerFactory {
    private LayerFactory() {}

    public static Layer build(LayerSpec spec, ImageShape input, LayerContext ctx) {
        return switch (spec) {
            case LayerSpec.Dense d -> new DenseLayer(d, input, ctx);
            case LayerSpec.Conv2d c -> new Conv2dLayer(c, input, ctx);
            case LayerSpec.MaxPool p -> new MaxPoolLayer(p, input, ctx);
            case LayerSpec.Flatten f -> new FlattenLayer(f, input, ctx);
            case LayerSpec.Dropout d -> new DropoutLayer(d, input, ctx);
            case LayerSpec.BatchNorm b -> new BatchNormLayer(b, input, ctx);
            case LayerSpec.ResidualBlock r -> new ResidualBlockLayer(r, input, ctx);
            case LayerSpec.GlobalAvgPool g -> new GlobalAvgPoolLayer(g, input, ctx);
        };
    }
}
