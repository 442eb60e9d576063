package dev.lottery.nn.layers;

import dev.lottery.nn.backend.ChannelGeometry;
import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.init.Initializer;
import dev.lottery.nn.model.Activation;
import dev.lottery.nn.model.ImageShape;
import dev.lottery.nn.model.LayerKind;
import dev.lottery.nn.model.LayerSpec;
import dev.lottery.nn.model.Mode;
import dev.lottery.nn.model.Parameter;
import dev.lottery.nn.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Batch normalization then an activation. Scale {@code gamma} starts at 1 and shift {@code beta} at 0 (neither is
 * prunable); running mean and variance (0 and 1 initially) are state, not parameters: training updates them,
 * evaluation uses them. Normalization is per channel, so a population's {@code members*C} channels are its members'
 * channels normalized independently.
 */
public final class BatchNormLayer implements Layer {
    private static final int OUT = 0, DX = 1;
    private final LayerSpec.BatchNorm spec;
    private final Backend backend;
    private final ImageShape in;
    private final int members;
    private final Parameter gamma;      // [members, C]
    private final Parameter beta;       // [members, C]
    private final Tensor runningMean;   // [members, C]
    private final Tensor runningVar;    // [members, C]
    private final Tensor savedMean;     // [members * C]
    private final Tensor savedInvStd;   // [members * C]
    private final BatchBuffers buffers;
    private Tensor input;
    private ChannelGeometry geometry;

    BatchNormLayer(LayerSpec.BatchNorm spec, ImageShape in, boolean sharedInput, LayerContext ctx) {
        LayerFactory.requireOwnInput(sharedInput, ctx, spec);
        this.spec = spec;
        this.backend = ctx.backend();
        this.in = in;
        this.members = ctx.members();
        int c = in.channels();
        LayerKind kind = in.isFlat() ? LayerKind.FULLY_CONNECTED : LayerKind.CONVOLUTIONAL;
        gamma = ctx.parameters().create(spec.name() + ".gamma", spec.name(), kind, false, new int[] {c}, c, c, new Initializer.Ones());
        beta = ctx.parameters().create(spec.name() + ".beta", spec.name(), kind, false, new int[] {c}, c, c, new Initializer.Zeros());
        runningMean = backend.zeros(spec.name() + ".running_mean", members, c);
        runningVar = backend.zeros(spec.name() + ".running_var", members, c);
        savedMean = backend.zeros(spec.name() + ".saved_mean", members * c);
        savedInvStd = backend.zeros(spec.name() + ".saved_inv_std", members * c);
        for (int m = 0; m < members; m++) resetState(m);
        buffers = new BatchBuffers(backend, spec.name(), "out", in.times(members), "dx", in.times(members));
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(gamma, beta);
    }

    @Override
    public Map<String, Tensor> state(int member) {
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put(spec.name() + ".running_mean", runningMean.slice(member));
        state.put(spec.name() + ".running_var", runningVar.slice(member));
        return state;
    }

    @Override
    public void resetState(int member) {
        runningMean.slice(member).copyFrom(new float[in.channels()]);
        float[] ones = new float[in.channels()];
        Arrays.fill(ones, 1f);
        runningVar.slice(member).copyFrom(ones);
    }

    @Override
    public Tensor forward(Tensor x, int batch, Mode mode) {
        input = x;
        if (geometry == null || geometry.batch() != batch) geometry = new ChannelGeometry(batch, members * in.channels(), in.spatial());
        Tensor out = buffers.get(OUT, batch);
        boolean relu = spec.activation() == Activation.RELU;
        float momentum = (float) spec.momentum(), epsilon = (float) spec.epsilon();
        if (mode instanceof Mode.Training && relu) {
            backend.batchNormReluTraining(x, gamma.value(), beta.value(), runningMean, runningVar, momentum, epsilon, savedMean, savedInvStd, out, geometry);
        } else if (mode instanceof Mode.Training) {
            backend.batchNormTraining(x, gamma.value(), beta.value(), runningMean, runningVar, momentum, epsilon, savedMean, savedInvStd, out, geometry);
        } else if (relu) {
            backend.batchNormReluInference(x, gamma.value(), beta.value(), runningMean, runningVar, epsilon, out, geometry);
        } else {
            backend.batchNormInference(x, gamma.value(), beta.value(), runningMean, runningVar, epsilon, out, geometry);
        }
        return out;
    }

    /** Gradients of the training-mode transform (the only one that is trained through). */
    @Override
    public Tensor backward(Tensor dy, boolean inputGradient) {
        if (spec.activation() == Activation.RELU) backend.reluBackward(buffers.get(OUT, geometry.batch()), dy);
        Tensor dx = buffers.get(DX, geometry.batch());
        backend.batchNormBackward(input, dy, gamma.value(), savedMean, savedInvStd, dx, gamma.grad(), beta.grad(), geometry);
        return inputGradient ? dx : null;
    }

    @Override
    public void close() {
        buffers.close();
        runningMean.close();
        runningVar.close();
        savedMean.close();
        savedInvStd.close();
    }
}
