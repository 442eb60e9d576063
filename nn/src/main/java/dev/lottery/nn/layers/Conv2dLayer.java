package dev.lottery.nn.layers;

import dev.lottery.nn.backend.ConvGeometry;
import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.model.Activation;
import dev.lottery.nn.model.ImageShape;
import dev.lottery.nn.model.LayerKind;
import dev.lottery.nn.model.LayerSpec;
import dev.lottery.nn.model.Mode;
import dev.lottery.nn.model.Parameter;
import dev.lottery.nn.tensor.Tensor;
import java.util.List;

/**
 * A convolution with filters {@code [K, C, R, R]} (prunable, kind CONVOLUTIONAL), optional bias and activation.
 * Fans for initializers follow Glorot and Keras: {@code fanIn = C*R*R}, {@code fanOut = K*R*R}. A population's
 * members are convolution groups ({@code [members*K, C, R, R]} filters over {@code members*C} channels); over a
 * shared input it is one convolution with {@code members*K} filters.
 */
public final class Conv2dLayer implements Layer {
    private static final int OUT = 0, DX = 1;
    private final LayerSpec.Conv2d spec;
    private final Backend backend;
    private final ImageShape in;
    private final int members;
    private final boolean sharedInput;
    private final Parameter weight; // [members, K, C, R, R]
    private final Parameter bias;   // [members, K] or null
    private final BatchBuffers buffers; // out [batch, members*K, P, Q], dx [batch, members*C, H, W]
    private Tensor input;
    private ConvGeometry geometry;

    Conv2dLayer(LayerSpec.Conv2d spec, ImageShape in, boolean sharedInput, LayerContext ctx) {
        this.spec = spec;
        this.backend = ctx.backend();
        this.in = in;
        this.members = ctx.members();
        this.sharedInput = sharedInput;
        int r = spec.kernel();
        int fanIn = in.channels() * r * r, fanOut = spec.filters() * r * r;
        weight = ctx.parameters().create(spec.name() + ".weight", spec.name(), LayerKind.CONVOLUTIONAL, true,
                new int[] {spec.filters(), in.channels(), r, r}, fanIn, fanOut, ctx.weightInit());
        bias = !spec.bias() ? null : ctx.parameters().create(spec.name() + ".bias", spec.name(), LayerKind.CONVOLUTIONAL, false,
                new int[] {spec.filters()}, fanIn, fanOut, ctx.biasInit());
        buffers = new BatchBuffers(backend, spec.name(), "out", spec.outputShape(in).times(members),
                "dx", in.times(LayerFactory.width(sharedInput, ctx)));
    }

    @Override
    public List<Parameter> parameters() {
        return bias == null ? List.of(weight) : List.of(weight, bias);
    }

    /** The convolution over a batch: one group over a shared input, else one group per member. */
    private ConvGeometry geometry(int batch, boolean shared) {
        int groups = shared ? 1 : members;
        if (geometry == null || geometry.batch() != batch || geometry.groups() != groups) {
            geometry = new ConvGeometry(batch, groups * in.channels(), in.height(), in.width(), members * spec.filters(), spec.kernel(),
                    spec.stride(), spec.padding().amount(spec.kernel()), groups);
        }
        return geometry;
    }

    /**
     * {@inheritDoc} A layer that may read a shared input also takes each member's own ({@code [batch, members*C, H, W]},
     * members trained on their own mini-batches); the size of {@code x} tells which.
     */
    @Override
    public Tensor forward(Tensor x, int batch, Mode mode) {
        this.input = x;
        ConvGeometry g = geometry(batch, sharedInput && x.size() == (long) batch * in.features());
        Tensor out = buffers.get(OUT, batch);
        Tensor b = bias == null ? null : bias.value();
        if (spec.activation() == Activation.RELU) backend.conv2dRelu(x, weight.value(), b, out, g);
        else backend.conv2d(x, weight.value(), b, out, g);
        return out;
    }

    @Override
    public Tensor backward(Tensor dy, boolean inputGradient) {
        ConvGeometry g = geometry;
        if (spec.activation() == Activation.RELU) backend.reluBackward(buffers.get(OUT, g.batch()), dy);
        backend.conv2dBackwardFilter(input, dy, weight.grad(), bias == null ? null : bias.grad(), g);
        if (!inputGradient) return null;
        if (sharedInput) throw new IllegalStateException(spec.name() + ": no gradient for a shared input");
        Tensor dx = buffers.get(DX, g.batch());
        backend.conv2dBackwardData(dy, weight.value(), dx, g);
        return dx;
    }

    @Override
    public void close() {
        buffers.close();
    }
}
