package dev.lottery.nn.layers;

import dev.lottery.nn.backend.ChannelGeometry;
import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.model.ImageShape;
import dev.lottery.nn.model.LayerSpec;
import dev.lottery.nn.model.Mode;
import dev.lottery.nn.model.Parameter;
import dev.lottery.nn.tensor.Tensor;
import java.util.List;

/** Mean over each channel's positions: {@code [N, C, H, W] -> [N, C]}. */
public final class GlobalAvgPoolLayer implements Layer {
    private static final int OUT = 0, DX = 1;
    private final Backend backend;
    private final ImageShape in;
    private final BatchBuffers buffers;
    private ChannelGeometry geometry;

    GlobalAvgPoolLayer(LayerSpec.GlobalAvgPool spec, ImageShape in, boolean sharedInput, LayerContext ctx) {
        // Channel-wise work: the members side by side are just more channels.
        in = in.times(LayerFactory.width(sharedInput, ctx));
        this.backend = ctx.backend();
        this.in = in;
        buffers = new BatchBuffers(backend, spec.name(), "out", spec.outputShape(in), "dx", in);
    }

    @Override
    public List<Parameter> parameters() {
        return List.of();
    }

    @Override
    public Tensor forward(Tensor x, int batch, Mode mode) {
        if (geometry == null || geometry.batch() != batch) geometry = new ChannelGeometry(batch, in.channels(), in.spatial());
        Tensor out = buffers.get(OUT, batch);
        backend.globalAvgPool(x, out, geometry);
        return out;
    }

    @Override
    public Tensor backward(Tensor dy, boolean inputGradient) {
        if (!inputGradient) return null;
        Tensor dx = buffers.get(DX, geometry.batch());
        backend.globalAvgPoolBackward(dy, dx, geometry);
        return dx;
    }

    @Override
    public void close() {
        buffers.close();
    }
}
