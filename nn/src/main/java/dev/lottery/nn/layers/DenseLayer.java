package dev.lottery.nn.layers;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.MaskedOperand;
import dev.lottery.nn.backend.MatrixBatch;
import dev.lottery.nn.backend.PreparedMask;
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
 * {@code x [W_1; ...; W_N]^T} and the weight gradient one tall one. During a training run (while the population's
 * masks are prepared) the products are {@link Backend#maskedGemm masked}: the backend may skip pruned weights, and the
 * weight gradient is needed only where the mask keeps a weight.
 */
public final class DenseLayer implements Layer {
    private static final int OUT = 0, DX = 1;
    private final LayerSpec.Dense spec;
    private final Backend backend;
    private final int members;
    private final int inputs;
    private final LayerContext.MaskLookup masks;
    private final boolean sharedInput;
    private final Parameter weight; // [members, units, inputs]
    private final Parameter bias;   // [members, units]
    private final BatchBuffers buffers; // out [batch, members*units], dx [batch, members*inputs]
    private Tensor input;           // [batch, inputs] shared, or [batch, members*inputs]
    private int batch;
    private boolean inputShared;    // whether the last forward pass read one input for every member

    DenseLayer(LayerSpec.Dense spec, ImageShape in, boolean sharedInput, LayerContext ctx) {
        this.spec = spec;
        this.backend = ctx.backend();
        this.members = ctx.members();
        this.inputs = in.features();
        this.sharedInput = sharedInput;
        this.masks = ctx.masks();
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
        return inputShared ? MatrixBatch.shared(x, inputs) : MatrixBatch.columnBlocks(x, members, inputs);
    }

    /**
     * {@inheritDoc} A layer that may read a shared input also takes each member's own ({@code [batch, members*inputs]},
     * members trained on their own mini-batches); the size of {@code x} tells which.
     */
    @Override
    public Tensor forward(Tensor x, int batch, Mode mode) {
        this.input = x;
        this.batch = batch;
        this.inputShared = sharedInput && x.size() == (long) batch * inputs;
        Tensor out = buffers.get(OUT, batch);
        product(false, true, inputs(x), weights(), MatrixBatch.columnBlocks(out, members, spec.units()), MaskedOperand.B);
        if (spec.activation() == Activation.RELU) backend.addBiasRelu(out, bias.value()); // one fused pass on the GPU
        else backend.addBias(out, bias.value());
        return out;
    }

    @Override
    public Tensor backward(Tensor dy, boolean inputGradient) {
        if (spec.activation() == Activation.RELU) backend.reluBackward(buffers.get(OUT, batch), dy);
        MatrixBatch dyBlocks = MatrixBatch.columnBlocks(dy, members, spec.units());
        product(true, false, dyBlocks, inputs(input), MatrixBatch.stacked(weight.grad(), spec.units(), inputs), MaskedOperand.C);
        backend.sumRows(dy, bias.grad());
        if (!inputGradient) return null;
        if (sharedInput) throw new IllegalStateException(spec.name() + ": no gradient for a shared input");
        Tensor dx = buffers.get(DX, batch);
        product(false, false, dyBlocks, weights(), MatrixBatch.columnBlocks(dx, members, inputs), MaskedOperand.B);
        return dx;
    }

    private MatrixBatch weights() {
        return MatrixBatch.stacked(weight.value(), spec.units(), inputs);
    }

    /** {@code c = op(a) op(b)} for every member; masked on {@code operand} while the run's masks are prepared. */
    private void product(boolean transA, boolean transB, MatrixBatch a, MatrixBatch b, MatrixBatch c, MaskedOperand operand) {
        PreparedMask mask = masks.of(weight);
        if (mask == null) backend.gemm(members, transA, transB, 1f, a, b, 0f, c);
        else backend.maskedGemm(members, transA, transB, 1f, a, b, 0f, c, operand, mask);
    }

    @Override
    public void close() {
        buffers.close();
    }
}
