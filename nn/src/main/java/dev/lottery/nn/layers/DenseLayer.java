package dev.lottery.nn.layers;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.model.Activation;
import dev.lottery.nn.model.ImageShape;
import dev.lottery.nn.model.LayerSpec;
import dev.lottery.nn.model.Mode;
import dev.lottery.nn.model.Parameter;
import dev.lottery.nn.tensor.Tensor;
import java.util.List;

/** {@code y = act(x W^T + b)} with W {@code [units, inputs]}: one GEMM forward, two backward. */
public final class DenseLayer implements Layer {
    private static final int OUT = 0, DX = 1;
    private final LayerSpec.Dense spec;
    private final Backend backend;
    private final Parameter weight;
    private final Parameter bias;
    private final BatchBuffers buffers;
    private Tensor input;
    private int batch;

    DenseLayer(LayerSpec.Dense spec, ImageShape in, LayerContext ctx) {
        this.spec = spec;
        this.backend = ctx.backend();
        int inputs = in.features();
        weight = ctx.parameters().create(spec.name() + ".weight", spec.name(), spec.kind(), true,
                new int[] {spec.units(), inputs}, inputs, spec.units(), ctx.weightInit());
        bias = ctx.parameters().create(spec.name() + ".bias", spec.name(), spec.kind(), false,
                new int[] {spec.units()}, inputs, spec.units(), ctx.biasInit());
        buffers = new BatchBuffers(backend, spec.name(), "out", spec.outputShape(in), "dx", in);
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }

    @Override
    public Tensor forward(Tensor x, int batch, Mode mode) {
        this.input = x;
        this.batch = batch;
        Tensor out = buffers.get(OUT, batch);
        backend.gemm(false, true, 1f, x, weight.value(), 0f, out);
        if (spec.activation() == Activation.RELU) backend.addBiasRelu(out, bias.value()); // one fused pass on the GPU
        else backend.addBias(out, bias.value());
        return out;
    }

    @Override
    public Tensor backward(Tensor dy, boolean inputGradient) {
        if (spec.activation() == Activation.RELU) backend.reluBackward(buffers.get(OUT, batch), dy);
        backend.gemm(true, false, 1f, dy, input, 0f, weight.grad());
        backend.sumRows(dy, bias.grad());
        if (!inputGradient) return null;
        Tensor dx = buffers.get(DX, batch);
        backend.gemm(false, false, 1f, dy, weight.value(), 0f, dx);
        return dx;
    }

    @Override
    public void close() {
        buffers.close();
    }
}
