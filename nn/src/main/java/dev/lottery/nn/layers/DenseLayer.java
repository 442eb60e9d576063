package dev.lottery.nn.layers;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.MatrixBatch;
import dev.lottery.nn.model.Activation;
import dev.lottery.nn.model.ImageShape;
import dev.lottery.nn.model.LayerSpec;
import dev.lottery.nn.model.Mode;
import dev.lottery.nn.model.Parameter;
import dev.lottery.nn.tensor.Tensor;
import java.util.List;

/**
 * {@code y = act(x W^T + b)} with W {@code [units, inputs]}: one product forward, two backward, each over all members
 * at once. A shared input (the population's mini-batch) makes the forward pass one wide product
 * {@code x [W_1; ...; W_N]^T} and the weight gradient one tall one.
 */
public final class DenseLayer implements Layer {
    private static final int OUT = 0, DX = 1;
    private final LayerSpec.Dense spec;
    private final Backend backend;
    private final int members;
    private final int inputs;
    private final boolean sharedInput;
    private final Parameter weight; // [members, units, inputs]
    private final Parameter bias;   // [members, units]
    private final BatchBuffers buffers; // out [batch, members*units], dx [batch, members*inputs]
    private Tensor input;           // [batch, inputs] shared, or [batch, members*inputs]
    private int batch;

    DenseLayer(LayerSpec.Dense spec, ImageShape in, boolean sharedInput, LayerContext ctx) {
        this.spec = spec;
        this.backend = ctx.backend();
        this.members = ctx.members();
        this.inputs = in.features();
        this.sharedInput = sharedInput;
        weight = ctx.parameters().create(spec.name() + ".weight", spec.name(), spec.kind(), true,
                new int[] {spec.units(), inputs}, inputs, spec.units(), ctx.weightInit());
        bias = ctx.parameters().create(spec.name() + ".bias", spec.name(), spec.kind(), false,
                new int[] {spec.units()}, inputs, spec.units(), ctx.biasInit());
        buffers = new BatchBuffers(backend, spec.name(), "out", spec.outputShape(in).times(members),
                "dx", ImageShape.flat(inputs).times(LayerFactory.width(sharedInput, ctx)));
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }

    /** Each member's input: the shared mini-batch, or the member's column block. */
    private MatrixBatch inputs(Tensor x) {
        return sharedInput ? MatrixBatch.shared(x, inputs) : MatrixBatch.columnBlocks(x, members, inputs);
    }

    @Override
    public Tensor forward(Tensor x, int batch, Mode mode) {
        this.input = x;
        this.batch = batch;
        Tensor out = buffers.get(OUT, batch);
        backend.gemm(members, false, true, 1f, inputs(x), MatrixBatch.stacked(weight.value(), spec.units(), inputs), 0f,
                MatrixBatch.columnBlocks(out, members, spec.units()));
        if (spec.activation() == Activation.RELU) backend.addBiasRelu(out, bias.value()); // one fused pass on the GPU
        else backend.addBias(out, bias.value());
        return out;
    }

    @Override
    public Tensor backward(Tensor dy, boolean inputGradient) {
        if (spec.activation() == Activation.RELU) backend.reluBackward(buffers.get(OUT, batch), dy);
        MatrixBatch dyBlocks = MatrixBatch.columnBlocks(dy, members, spec.units());
        backend.gemm(members, true, false, 1f, dyBlocks, inputs(input), 0f, MatrixBatch.stacked(weight.grad(), spec.units(), inputs));
        backend.sumRows(dy, bias.grad());
        if (!inputGradient) return null;
        if (sharedInput) throw new IllegalStateException(spec.name() + ": no gradient for a shared input");
        Tensor dx = buffers.get(DX, batch);
        backend.gemm(members, false, false, 1f, dyBlocks, MatrixBatch.stacked(weight.value(), spec.units(), inputs), 0f,
                MatrixBatch.columnBlocks(dx, members, inputs));
        return dx;
    }

    @Override
    public void close() {
        buffers.close();
    }
}
