package dev.lottery.nn.layers;

import dev.lottery.nn.backend.PoolGeometry;
import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.model.ImageShape;
import dev.lottery.nn.model.LayerSpec;
import dev.lottery.nn.model.Mode;
import dev.lottery.nn.model.Parameter;
import dev.lottery.nn.tensor.Tensor;
import java.util.List;

/** Max pooling; the backward pass routes each gradient to its window's maximum. */
public final class MaxPoolLayer implements Layer {
    private static final int OUT = 0, DX = 1;
    private final LayerSpec.MaxPool spec;
    private final Backend backend;
    private final ImageShape in;
    private final BatchBuffers buffers;
    private Tensor input;
    private PoolGeometry geometry;

    MaxPoolLayer(LayerSpec.MaxPool spec, ImageShape in, boolean sharedInput, LayerContext ctx) {
        // Channel-wise work: the members side by side are just more channels.
        in = in.times(LayerFactory.width(sharedInput, ctx));
        this.spec = spec;
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
        input = x;
        if (geometry == null || geometry.batch() != batch) {
            geometry = new PoolGeometry(batch, in.channels(), in.height(), in.width(), spec.window(), spec.stride());
        }
        Tensor out = buffers.get(OUT, batch);
        backend.maxPool(x, out, geometry);
        return out;
    }

    @Override
    public Tensor backward(Tensor dy, boolean inputGradient) {
        if (!inputGradient) return null;
        Tensor dx = buffers.get(DX, geometry.batch());
        backend.maxPoolBackward(input, buffers.get(OUT, geometry.batch()), dy, dx, geometry);
        return dx;
    }

    @Override
    public void close() {
        buffers.close();
    }
}
