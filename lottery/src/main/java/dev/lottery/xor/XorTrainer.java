package dev.lottery.xor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.stream.IntStream;

/**
 * Full-batch gradient descent on the four XOR points with mean binary cross-entropy, for every trial of a
 * {@link XorBatch} at once. SIMD lanes run over trials (one vector = {@link XorBatch#LANES} networks), and
 * blocks of lanes run in parallel; a block keeps its working set in L1 for all iterations. Trials never
 * interact, so results do not depend on the thread count or on scheduling.
 *
 * <p>One iteration, per lane block: a forward pass accumulates the four logits unit by unit; then, again unit by
 * unit, the gradient of each unit's four parameters is formed from the logits' errors and the unit's old values
 * and applied at once ({@code θ ← θ − lr·∇}). Fusing gradient and update is exact here because a unit's gradient
 * depends only on its own parameters and the logits, which are fixed before any update. ReLU's derivative at 0
 * is taken as 0. Inputs are 0 or 1, so {@code w·x} is computed as {@code w} or skipped — exact, not an
 * approximation.
 */
public final class XorTrainer {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private final int iterations;
    private final float learningRate;

    public XorTrainer(int iterations, float learningRate) {
        if (iterations < 0) throw new IllegalArgumentException("iterations must be >= 0");
        if (!(learningRate > 0) || Float.isInfinite(learningRate)) throw new IllegalArgumentException("learning rate must be positive");
        this.iterations = iterations;
        this.learningRate = learningRate;
    }

    public int iterations() {
        return iterations;
    }

    public float learningRate() {
        return learningRate;
    }

    /** Trains every network of {@code batch} in place. */
    public void train(XorBatch batch) {
        int blocks = batch.stride() / S.length();
        IntStream.range(0, blocks).parallel().forEach(b -> {
            for (int it = 0; it < iterations; it++) step(batch, b * S.length(), learningRate, null);
        });
    }

    /**
     * The gradient of the mean cross-entropy for every trial, without changing {@code batch}: returned as a batch
     * of the same shape whose parameters are the partial derivatives. Uses the training kernel itself.
     */
    public static XorBatch gradients(XorBatch batch) {
        XorBatch g = new XorBatch(batch.trials(), batch.hidden());
        for (int o = 0; o < batch.stride(); o += S.length()) step(batch, o, 0f, g);
        return g;
    }

    /**
     * One gradient step for lanes [o, o + LANES): updates {@code p} by {@code lr}, or, when {@code grads} is not
     * null, stores the gradient there and leaves {@code p} alone.
     */
    private static void step(XorBatch p, int o, float lr, XorBatch grads) {
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
        // dLoss/dz_p = (sigmoid(z_p) - y_p) / 4 for the mean over the four points.
        FloatVector d0 = sigmoid(z0).mul(0.25f);
        FloatVector d1 = sigmoid(z1).sub(1f).mul(0.25f);
        FloatVector d2 = sigmoid(z2).sub(1f).mul(0.25f);
        FloatVector d3 = sigmoid(z3).mul(0.25f);
        FloatVector gb2 = d0.add(d1).add(d2).add(d3);
        // Backward, unit by unit, with the update fused in.
        for (int k = 0, i = o; k < h; k++, i += n) {
            FloatVector wa = FloatVector.fromArray(S, p.w1a, i), wb = FloatVector.fromArray(S, p.w1b, i);
            FloatVector c = FloatVector.fromArray(S, p.b1, i), v = FloatVector.fromArray(S, p.w2, i);
            FloatVector a0 = c, a1 = wb.add(c), a2 = wa.add(c), a3 = wa.add(wb).add(c);
            VectorMask<Float> on0 = a0.compare(VectorOperators.GT, 0f), on1 = a1.compare(VectorOperators.GT, 0f);
            VectorMask<Float> on2 = a2.compare(VectorOperators.GT, 0f), on3 = a3.compare(VectorOperators.GT, 0f);
            FloatVector zero = FloatVector.zero(S);
            // dL/dw2 = Σ_p d_p·relu(a_p); dL/da_p = d_p·w2 where a_p > 0.
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

    /** 1 / (1 + e^-z); saturates to exactly 0 or 1 in float32 for large |z|, as the zero-loss criterion expects. */
    private static FloatVector sigmoid(FloatVector z) {
        return FloatVector.broadcast(S, 1f).div(z.neg().lanewise(VectorOperators.EXP).add(1f));
    }
}
