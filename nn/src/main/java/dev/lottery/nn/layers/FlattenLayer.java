package dev.lottery.nn.layers;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.model.ImageShape;
import dev.lottery.nn.model.LayerSpec;
import dev.lottery.nn.model.Mode;
import dev.lottery.nn.model.Parameter;
import dev.lottery.nn.tensor.Tensor;
import java.util.List;

/**
 * {@code [N, C, H, W] -> [N, C*H*W]}. Tensors have fixed shapes, so this is a copy (NCHW order is already the
 * flat order); it is a few hundred kilobytes per batch against megaflops of convolution.
 */
public final class FlattenLayer implements Layer {
    private static final int OUT = 0, DX = 1;
    private final Backend backend;
    private final BatchBuffers buffers;
    private int batch;

    FlattenLayer(LayerSpec.Flatten spec, ImageShape in, boolean sharedInput, LayerContext ctx) {
        // Channel-wise work: the members side by side are just more channels.
        in = in.times(LayerFactory.width(sharedInput, ctx));
        this.backend = ctx.backend();
        buffers = new BatchBuffers(backend, spec.name(), "out", spec.outputShape(in), "dx", in);
    }

    @Override
    public List<Parameter> parameters() {
        return List.of();
    }

    @Override
    public Tensor forward(Tensor x, int batch, Mode mode) {
        this.batch = batch;
        Tensor out = buffers.get(OUT, batch);
        backend.copy(x, out);
        return out;
    }

    @Override
    public Tensor backward(Tensor dy, boolean inputGradient) {
        if (!inputGradient) return null;
        Tensor dx = buffers.get(DX, batch);
        backend.copy(dy, dx);
        return dx;
    }

    @Override
    public void close() {
        buffers.close();
    }
}
