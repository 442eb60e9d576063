package dev.lottery.nn.layers;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.model.ImageShape;
import dev.lottery.nn.model.LayerSpec;
import dev.lottery.nn.model.Mode;
import dev.lottery.nn.model.Parameter;
import dev.lottery.nn.rng.KeyedRandom;
import dev.lottery.nn.tensor.Tensor;
import java.util.List;

/**
 * Inverted dropout. The mask of training iteration {@code t} is drawn from the stream (seed, layer name,
 * {@code "dropout/iter-t"}), element by element, so it is reproducible and a GPU kernel can draw the same one.
 * Evaluation passes the input through untouched. The members of a population share the seed, so each member draws
 * the mask it would draw alone.
 */
public final class DropoutLayer implements Layer {
    private static final int OUT = 0, DX = 1, MASK = 2;
    private final LayerSpec.Dropout spec;
    private final Backend backend;
    private final long seed;
    /** Members whose activations lie side by side in the input (1 for a shared input: every member's mask is the same). */
    private final int width;
    private final BatchBuffers buffers;
    private int batch;
    private boolean masked;

    DropoutLayer(LayerSpec.Dropout spec, ImageShape in, boolean sharedInput, LayerContext ctx) {
        this.spec = spec;
        this.backend = ctx.backend();
        this.seed = ctx.seed();
        this.width = LayerFactory.width(sharedInput, ctx);
        ImageShape all = in.times(width);
        buffers = new BatchBuffers(backend, spec.name(), "out", all, "dx", all, "mask", all);
    }

    /** The random stream of training iteration {@code iteration}. */
    public static KeyedRandom stream(long seed, String layer, long iteration) {
        return new KeyedRandom(seed, layer, "dropout/iter-" + iteration);
    }

    @Override
    public List<Parameter> parameters() {
        return List.of();
    }

    @Override
    public Tensor forward(Tensor x, int batch, Mode mode) {
        this.batch = batch;
        masked = mode instanceof Mode.Training && spec.rate() > 0;
        if (!masked) return x;
        Tensor mask = buffers.get(MASK, batch);
        backend.dropoutMask(mask, width, stream(seed, spec.name(), ((Mode.Training) mode).iteration()), (float) spec.rate());
        Tensor out = buffers.get(OUT, batch);
        backend.copy(x, out);
        backend.multiply(out, mask);
        return out;
    }

    @Override
    public Tensor backward(Tensor dy, boolean inputGradient) {
        if (!inputGradient) return null;
        if (!masked) return dy;
        Tensor dx = buffers.get(DX, batch);
        backend.copy(dy, dx);
        backend.multiply(dx, buffers.get(MASK, batch));
        return dx;
    }

    @Override
    public void close() {
        buffers.close();
    }
}
