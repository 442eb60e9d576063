package dev.lottery.nn.layers;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.model.ImageShape;
import dev.lottery.nn.model.LayerSpec;
import dev.lottery.nn.model.Mode;
import dev.lottery.nn.model.Parameter;
import dev.lottery.nn.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))}, the shortcut being the identity or a 1x1 projection
 * with batch norm (see {@link LayerSpec.ResidualBlock}). Backward: the block's ReLU gate, then the same output
 * gradient flows through the branch and the shortcut, and the two input gradients are summed.
 */
public final class ResidualBlockLayer implements Layer {
    private static final int OUT = 0;
    private final Backend backend;
    private final Conv2dLayer conv1;
    private final BatchNormLayer bn1;
    private final Conv2dLayer conv2;
    private final BatchNormLayer bn2;
    private final Conv2dLayer projection;
    private final BatchNormLayer projectionNorm;
    private final BatchBuffers buffers;
    private int batch;

    ResidualBlockLayer(LayerSpec.ResidualBlock spec, ImageShape in, boolean sharedInput, LayerContext ctx) {
        // The identity shortcut adds the input to each member's branch: the members must each have their own input.
        LayerFactory.requireOwnInput(sharedInput, ctx, spec);
        this.backend = ctx.backend();
        ImageShape mid = spec.conv1().outputShape(in);
        conv1 = new Conv2dLayer(spec.conv1(), in, false, ctx);
        bn1 = new BatchNormLayer(spec.bn1(), mid, false, ctx);
        conv2 = new Conv2dLayer(spec.conv2(), mid, false, ctx);
        ImageShape out = spec.conv2().outputShape(mid);
        bn2 = new BatchNormLayer(spec.bn2(), out, false, ctx);
        if (spec.projects(in)) {
            projection = new Conv2dLayer(spec.shortcut(), in, false, ctx);
            projectionNorm = new BatchNormLayer(spec.shortcutNorm(), out, false, ctx);
        } else {
            projection = null;
            projectionNorm = null;
        }
        buffers = new BatchBuffers(backend, spec.name(), "out", out.times(ctx.members()));
    }

    private List<Layer> parts() {
        List<Layer> parts = new ArrayList<>(List.of(conv1, bn1, conv2, bn2));
        if (projection != null) {
            parts.add(projection);
            parts.add(projectionNorm);
        }
        return parts;
    }

    @Override
    public List<Parameter> parameters() {
        return parts().stream().flatMap(l -> l.parameters().stream()).toList();
    }

    @Override
    public void resetState(int member) {
        parts().forEach(l -> l.resetState(member));
    }

    @Override
    public Map<String, Tensor> state(int member) {
        Map<String, Tensor> state = new LinkedHashMap<>();
        parts().forEach(l -> state.putAll(l.state(member)));
        return state;
    }

    @Override
    public Tensor forward(Tensor x, int batch, Mode mode) {
        this.batch = batch;
        Tensor branch = bn2.forward(conv2.forward(bn1.forward(conv1.forward(x, batch, mode), batch, mode), batch, mode), batch, mode);
        Tensor shortcut = projection == null ? x : projectionNorm.forward(projection.forward(x, batch, mode), batch, mode);
        Tensor out = buffers.get(OUT, batch);
        backend.addRelu(branch, shortcut, out);
        return out;
    }

    @Override
    public Tensor backward(Tensor dy, boolean inputGradient) {
        backend.reluBackward(buffers.get(OUT, batch), dy);
        // bn2 and the shortcut's norm have no activation, so neither overwrites dy: both see the gated gradient.
        Tensor dBranch = conv1.backward(bn1.backward(conv2.backward(bn2.backward(dy, true), true), true), inputGradient);
        if (projection == null) {
            if (inputGradient) backend.add(dBranch, dy);
            return dBranch;
        }
        Tensor dShortcut = projection.backward(projectionNorm.backward(dy, true), inputGradient);
        if (inputGradient) backend.add(dBranch, dShortcut);
        return dBranch;
    }

    @Override
    public void close() {
        parts().forEach(Layer::close);
        buffers.close();
    }
}
