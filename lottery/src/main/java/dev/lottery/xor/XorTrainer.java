package dev.lottery.xor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.stream.IntStream;

/**
 * Full-batch training on the four XOR points with binary cross-entropy, for every trial of a {@link XorBatch} at
 * once, by gradient descent or Adam ({@link XorTraining}). SIMD lanes run over trials (one vector =
 * {@link XorBatch#LANES} networks), and blocks of lanes run in parallel; a block keeps its working set in L1 for
 * all iterations. Trials never interact, so results do not depend on the thread count or on scheduling.
 *
 * <p>One iteration, per lane block: a forward pass accumulates the four logits unit by unit; then, again unit by
 * unit, the gradient of each unit's four parameters is formed from the logits' errors and the unit's old values.
 * Gradient descent applies it at once ({@code θ ← θ − lr·∇}): fusing gradient and update is exact here because a
 * unit's gradient depends only on its own parameters and the logits, which are fixed before any update. Adam
 * stores the block's gradient and then updates parameters and moments in a second, elementwise pass. Inputs are
 * 0 or 1, so {@code w·x} is computed as {@code w} or skipped — exact, not an approximation.
 */
public final class XorTrainer {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final float BETA1 = XorTraining.ADAM_BETA1, BETA2 = XorTraining.ADAM_BETA2;
    private final XorTraining training;
    /**
     * A unit passes gradient where its pre-activation a &gt; kink: kink = 0 gives ReLU'(0) = 0, and
     * kink = −{@link Float#MIN_VALUE} (the negative float nearest 0) gives a &gt; kink ⇔ a ≥ 0, i.e. ReLU'(0) = 1,
     * with one comparison operator in both cases.
     */
    private final float kink;

    /**
     * A trainer with the settings {@code training}.
     *
     * @param training optimizer, learning rate, loss reduction, ReLU'(0) and iterations
     */
    public XorTrainer(XorTraining training) {
        this.training = training;
        this.kink = training.reluSlopeAtZero() == 1 ? -Float.MIN_VALUE : 0f;
    }

    /**
     * Trains every network of {@code batch} in place, on the common fork-join pool (blocks of trials in parallel;
     * the bits do not depend on the thread count).
     *
     * @param batch the networks, changed in place; the caller must not touch it until this returns
     */
    public void train(XorBatch batch) {
        int blocks = batch.stride() / S.length();
        int iterations = training.iterations();
        float lr = training.learningRate();
        if (training.optimizer() == XorTraining.Optimizer.GD) {
            IntStream.range(0, blocks).parallel().forEach(b -> {
                for (int t = 1; t <= iterations; t++) step(batch, b * S.length(), lr, null);
            });
            return;
        }
        // Adam: the gradient, then the update from it and the moments, all laid out like the parameters.
        float[][] p = batch.parameters();
        XorBatch grads = new XorBatch(batch.trials(), batch.hidden());
        float[][] g = grads.parameters();
        float[][] m = new XorBatch(batch.trials(), batch.hidden()).parameters();
        float[][] v = new XorBatch(batch.trials(), batch.hidden()).parameters();
        // Bias corrections: α_t = lr / (1 − β1^t), κ_t = 1 / (1 − β2^t).
        float[] alpha = new float[iterations + 1], kappa = new float[iterations + 1];
        for (int t = 1; t <= iterations; t++) {
            alpha[t] = (float) (lr / (1 - Math.pow(XorTraining.ADAM_BETA1, t)));
            kappa[t] = (float) (1 / (1 - Math.pow(XorTraining.ADAM_BETA2, t)));
        }
        IntStream.range(0, blocks).parallel().forEach(b -> {
            int o = b * S.length();
            for (int t = 1; t <= iterations; t++) {
                step(batch, o, 0f, grads);
                adam(p, g, m, v, batch.hidden(), batch.stride(), o, alpha[t], kappa[t]);
            }
        });
    }

    /**
     * The gradient of the loss for every trial, without changing {@code batch}: returned as a batch of the same
     * shape whose parameters are the partial derivatives. Uses the training kernel itself.
     *
     * @param batch the networks, read only
     * @return a new batch: per trial, the loss's partial derivative by each parameter
     */
    public XorBatch gradients(XorBatch batch) {
        XorBatch g = new XorBatch(batch.trials(), batch.hidden());
        for (int o = 0; o < batch.stride(); o += S.length()) step(batch, o, 0f, g);
        return g;
    }

    /**
     * One Adam step for lanes [o, o + LANES) of every parameter array: m ← β1·m + (1 − β1)·g,
     * v ← β2·v + (1 − β2)·g², θ ← θ − α_t·m / (√(κ_t·v) + ε), with moments below the smallest normal float
     * flushed to 0 ({@link #flushSubnormal}). The output bias (last array) has one entry per trial, the others one
     * per unit and trial.
     */
    private static void adam(float[][] p, float[][] g, float[][] m, float[][] v, int hidden, int stride, int o,
                             float alpha, float kappa) {
        for (int a = 0; a < p.length; a++) {
            int units = a == p.length - 1 ? 1 : hidden;
            for (int k = 0, i = o; k < units; k++, i += stride) {
                FloatVector gi = FloatVector.fromArray(S, g[a], i);
                FloatVector mi = flushSubnormal(FloatVector.fromArray(S, m[a], i).mul(BETA1).add(gi.mul(1 - BETA1)));
                FloatVector vi = flushSubnormal(FloatVector.fromArray(S, v[a], i).mul(BETA2).add(gi.mul(gi).mul(1 - BETA2)));
                mi.intoArray(m[a], i);
                vi.intoArray(v[a], i);
                FloatVector delta = mi.mul(alpha).div(vi.mul(kappa).sqrt().add(XorTraining.ADAM_EPSILON));
                FloatVector.fromArray(S, p[a], i).sub(delta).intoArray(p[a], i);
            }
        }
    }

    /**
     * One gradient step for lanes [o, o + LANES): updates {@code p} by {@code lr}, or, when {@code grads} is not
     * null, stores the gradient there and leaves {@code p} alone.
     */
    private void step(XorBatch p, int o, float lr, XorBatch grads) {
        int n = p.stride(), h = p.hidden();
        // Forward: logits of the four points (0,0), (0,1), (1,0), (1,1).
        FloatVector b2 = FloatVector.fromArray(S, p.b2, o);
        FloatVector z0 = b2, z1 = b2, z2 = b2, z3 = b2;
        for (int k = 0, i = o; k < h; k++, i += n) {
            FloatVector wa = FloatVector.fromArray(S, p.w1a, i), wb = FloatVector.fromArray(S, p.w1b, i);
            FloatVector c = FloatVector.fromArray(S, p.b1, i), v = FloatVector.fromArray(S, p.w2, i);
            z0 = z0.add(v.mul(c.max(0f)));
            z1 = z1.add(v.mul(wb.add(c).max(0f)));
            z2 = z2.add(v.mul(wa.add(c).max(0f)));
            z3 = z3.add(v.mul(wa.add(wb).add(c).max(0f)));
        }
        // dLoss/dz_p = w·(sigmoid(z_p) − y_p), w = 1/4 for the mean over the four points, 1 for the sum.
        float w = training.reduction().weight;
        FloatVector d0 = sigmoid(z0).mul(w);
        FloatVector d1 = sigmoid(z1).sub(1f).mul(w);
        FloatVector d2 = sigmoid(z2).sub(1f).mul(w);
        FloatVector d3 = sigmoid(z3).mul(w);
        FloatVector gb2 = d0.add(d1).add(d2).add(d3);
        // Backward, unit by unit, with the update fused in.
        for (int k = 0, i = o; k < h; k++, i += n) {
            FloatVector wa = FloatVector.fromArray(S, p.w1a, i), wb = FloatVector.fromArray(S, p.w1b, i);
            FloatVector c = FloatVector.fromArray(S, p.b1, i), v = FloatVector.fromArray(S, p.w2, i);
            FloatVector a0 = c, a1 = wb.add(c), a2 = wa.add(c), a3 = wa.add(wb).add(c);
            VectorMask<Float> on0 = a0.compare(VectorOperators.GT, kink), on1 = a1.compare(VectorOperators.GT, kink);
            VectorMask<Float> on2 = a2.compare(VectorOperators.GT, kink), on3 = a3.compare(VectorOperators.GT, kink);
            FloatVector zero = FloatVector.zero(S);
            // dL/dw2 = Σ_p d_p·relu(a_p); dL/da_p = d_p·w2 where the unit passes gradient.
            FloatVector gv = d0.mul(a0.max(0f)).add(d1.mul(a1.max(0f))).add(d2.mul(a2.max(0f))).add(d3.mul(a3.max(0f)));
            FloatVector e0 = zero.blend(d0.mul(v), on0), e1 = zero.blend(d1.mul(v), on1);
            FloatVector e2 = zero.blend(d2.mul(v), on2), e3 = zero.blend(d3.mul(v), on3);
            FloatVector gc = e0.add(e1).add(e2).add(e3);
            FloatVector ga = e2.add(e3); // x0 = 1 at points (1,0) and (1,1)
            FloatVector gb = e1.add(e3); // x1 = 1 at points (0,1) and (1,1)
            if (grads != null) {
                ga.intoArray(grads.w1a, i);
                gb.intoArray(grads.w1b, i);
                gc.intoArray(grads.b1, i);
                gv.intoArray(grads.w2, i);
            } else {
                wa.sub(ga.mul(lr)).intoArray(p.w1a, i);
                wb.sub(gb.mul(lr)).intoArray(p.w1b, i);
                c.sub(gc.mul(lr)).intoArray(p.b1, i);
                v.sub(gv.mul(lr)).intoArray(p.w2, i);
            }
        }
        if (grads != null) gb2.intoArray(grads.b2, o);
        else b2.sub(gb2.mul(lr)).intoArray(p.b2, o);
    }

    /**
     * Moments below the smallest normal float become 0. Once a parameter's gradient vanishes its moments decay
     * geometrically, and in float32 the decay stalls at a few subnormal units (0.9 times the smallest subnormal
     * rounds back to it), so the moment would stay subnormal for good — and subnormal arithmetic costs x86 cores
     * about a hundred times the normal. A moment that small cannot move a parameter: its step is at most
     * lr · 1.2e-38 / ε.
     */
    private static FloatVector flushSubnormal(FloatVector x) {
        return x.blend(0f, x.abs().compare(VectorOperators.LT, Float.MIN_NORMAL));
    }

    /** 1 / (1 + e^-z); saturates to exactly 0 or 1 in float32 for large |z|. */
    private static FloatVector sigmoid(FloatVector z) {
        return FloatVector.broadcast(S, 1f).div(z.neg().lanewise(VectorOperators.EXP).add(1f));
    }
}
