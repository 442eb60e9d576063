package dev.lottery.nn.backend.cpu;

import dev.lottery.nn.backend.ChannelGeometry;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Spatial batch normalization on the CPU (per channel over batch and positions). Channels are independent, so they
 * run in parallel on the {@link GemmWorkers} crew, and each channel's result depends on its own values only (a
 * population's members see exactly what they would alone). Each element's arithmetic is the CUDA kernel's
 * ({@code conv_ops.cu}): sums of {@code x}, then of {@code (x - mean)^2}, in double, each product rounded before it
 * is added. The sums are vectorized (each vector of floats widened to two vectors of doubles, lanes added in order at
 * the end of the channel), so the bits depend on the geometry and the vector width only; a double sum of floats is
 * nearly always exact, which is why the order rarely shows in the float results.
 *
 * <p>A ReLU after the normalization is applied as each channel is written: one pass over the activations fewer, with
 * the bits of the separate ReLU. Its gradient stays a pass of its own over the whole tensor: gating each channel's
 * output gradient while summing it made the backward pass 1.1x as fast on resnet20's 32 x 32 planes but 0.8x on its
 * 8 x 8 ones, and the larger per-channel task sometimes compiled with its vector operations left as calls on boxed
 * vectors.
 */
public final class CpuBatchNorm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = S.withLanes(double.class);
    private static final int L = S.length();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private CpuBatchNorm() {}

    static void training(GemmWorkers workers, MemorySegment x, MemorySegment gamma, MemorySegment beta, MemorySegment runningMean,
                                MemorySegment runningVar, float momentum, float epsilon, MemorySegment savedMean,
                                MemorySegment savedInvStd, MemorySegment y, boolean relu, ChannelGeometry g) {
        long m = (long) g.batch() * g.spatial();
        workers.forEach(g.channels(), ch -> {
            double mean = sum(x, g, ch) / m;
            double sq = squares(x, mean, g, ch);
            double var = sq / m;
            double invStd = 1 / Math.sqrt(var + epsilon);
            savedMean.setAtIndex(F, ch, (float) mean);
            savedInvStd.setAtIndex(F, ch, (float) invStd);
            double unbiased = m > 1 ? sq / (m - 1) : var;
            runningMean.setAtIndex(F, ch, (float) ((1 - momentum) * runningMean.getAtIndex(F, ch) + momentum * mean));
            runningVar.setAtIndex(F, ch, (float) ((1 - momentum) * runningVar.getAtIndex(F, ch) + momentum * unbiased));
            normalize(x, y, g, ch, (float) mean, (float) invStd, gamma.getAtIndex(F, ch), beta.getAtIndex(F, ch), relu);
        }, x, gamma, beta, runningMean, runningVar, savedMean, savedInvStd, y);
    }

    static void inference(GemmWorkers workers, MemorySegment x, MemorySegment gamma, MemorySegment beta, MemorySegment runningMean,
                                 MemorySegment runningVar, float epsilon, MemorySegment y, boolean relu, ChannelGeometry g) {
        workers.forEach(g.channels(), ch -> {
            float invStd = (float) (1 / Math.sqrt(runningVar.getAtIndex(F, ch) + (double) epsilon));
            normalize(x, y, g, ch, runningMean.getAtIndex(F, ch), invStd, gamma.getAtIndex(F, ch), beta.getAtIndex(F, ch), relu);
        }, x, gamma, beta, runningMean, runningVar, y);
    }

    /**
     * {@code y = x * scale + shift} over one channel, {@code scale = gamma * invStd}, {@code shift = beta - mean * scale},
     * then {@code max(y, floor)} with a floor of 0 for the ReLU and of minus infinity without it ({@code max(v, -inf)}
     * is {@code v} for every float, NaN and -0 included), so one loop serves both.
     */
    private static void normalize(MemorySegment x, MemorySegment y, ChannelGeometry g, int ch, float mean, float invStd, float gamma, float beta,
                                  boolean relu) {
        int s = g.spatial(), bound = S.loopBound(s);
        float scale = gamma * invStd, shift = beta - mean * scale, floor = relu ? 0f : Float.NEGATIVE_INFINITY;
        FloatVector vs = FloatVector.broadcast(S, scale), vb = FloatVector.broadcast(S, shift), vf = FloatVector.broadcast(S, floor);
        for (int b = 0; b < g.batch(); b++) {
            long base = ((long) b * g.channels() + ch) * s;
            int i = 0;
            for (; i < bound; i += L) {
                long at = (base + i) * Float.BYTES;
                FloatVector.fromMemorySegment(S, x, at, NATIVE).fma(vs, vb).max(vf).intoMemorySegment(y, at, NATIVE);
            }
            for (; i < s; i++) y.setAtIndex(F, base + i, Math.max(floor, Math.fma(x.getAtIndex(F, base + i), scale, shift)));
        }
    }

    /** The sum of one channel of {@code x} (the input, or the output gradient), in double. */
    private static double sum(MemorySegment x, ChannelGeometry g, int ch) {
        int s = g.spatial(), bound = S.loopBound(s);
        DoubleVector a0 = DoubleVector.zero(D), a1 = a0;
        double tail = 0;
        for (int b = 0; b < g.batch(); b++) {
            long base = ((long) b * g.channels() + ch) * s;
            int i = 0;
            for (; i < bound; i += L) {
                FloatVector v = FloatVector.fromMemorySegment(S, x, (base + i) * Float.BYTES, NATIVE);
                a0 = a0.add(low(v));
                a1 = a1.add(high(v));
            }
            for (; i < s; i++) tail += x.getAtIndex(F, base + i);
        }
        return lanes(a0, a1) + tail;
    }

    /** {@code sum((x - mean)^2)} over one channel, in double. */
    private static double squares(MemorySegment x, double mean, ChannelGeometry g, int ch) {
        int s = g.spatial(), bound = S.loopBound(s);
        DoubleVector a0 = DoubleVector.zero(D), a1 = a0, vm = DoubleVector.broadcast(D, mean);
        double tail = 0;
        for (int b = 0; b < g.batch(); b++) {
            long base = ((long) b * g.channels() + ch) * s;
            int i = 0;
            for (; i < bound; i += L) {
                FloatVector v = FloatVector.fromMemorySegment(S, x, (base + i) * Float.BYTES, NATIVE);
                DoubleVector d0 = low(v).sub(vm), d1 = high(v).sub(vm);
                a0 = a0.add(d0.mul(d0));
                a1 = a1.add(d1.mul(d1));
            }
            for (; i < s; i++) {
                double d = x.getAtIndex(F, base + i) - mean;
                tail += d * d;
            }
        }
        return lanes(a0, a1) + tail;
    }

    /**
     * {@code sum(dy * (x - mean) * invStd)} over one channel, in double ({@code x - mean} in float). Apart from
     * {@link #sum} of {@code dy} (a second pass over a channel that is still in cache): with both sums in one loop the
     * compiler ran out of inlining budget and left vector operations as calls that box their operands. Each image's
     * plane is summed by {@link #addProducts}, the two accumulators waiting in an array between planes (same
     * operations, same order): with them live across this loop, 256-bit builds compiled the whole loop boxed in about
     * one JVM in five (566 MB of garbage per resnet20 step).
     */
    private static double productSum(MemorySegment x, MemorySegment dy, float mean, float invStd, ChannelGeometry g, int ch) {
        int s = g.spatial(), bound = S.loopBound(s);
        double[] sums = new double[2 * D.length()];
        double tail = 0;
        for (int b = 0; b < g.batch(); b++) {
            long base = ((long) b * g.channels() + ch) * s;
            addProducts(x, dy, base, bound, mean, invStd, sums);
            for (int i = bound; i < s; i++) tail += (double) dy.getAtIndex(F, base + i) * (x.getAtIndex(F, base + i) - mean) * invStd;
        }
        double total = 0;
        for (double v : sums) total += v;
        return total + tail;
    }

    /**
     * Adds {@code dy * (x - mean) * invStd} over positions {@code [base, base + bound)} to the two double vectors held in
     * {@code sums} (the lower and the upper halves of each float vector).
     */
    private static void addProducts(MemorySegment x, MemorySegment dy, long base, int bound, float mean, float invStd, double[] sums) {
        DoubleVector a0 = DoubleVector.fromArray(D, sums, 0), a1 = DoubleVector.fromArray(D, sums, D.length());
        DoubleVector vi = DoubleVector.broadcast(D, invStd);
        FloatVector vm = FloatVector.broadcast(S, mean);
        for (int i = 0; i < bound; i += L) {
            long at = (base + i) * Float.BYTES;
            FloatVector centred = FloatVector.fromMemorySegment(S, x, at, NATIVE).sub(vm);
            FloatVector d = FloatVector.fromMemorySegment(S, dy, at, NATIVE);
            a0 = a0.add(low(d).mul(low(centred)).mul(vi));
            a1 = a1.add(high(d).mul(high(centred)).mul(vi));
        }
        a0.intoArray(sums, 0);
        a1.intoArray(sums, D.length());
    }

    /** The lower and upper halves of a float vector, widened to double. */
    private static DoubleVector low(FloatVector v) {
        return (DoubleVector) v.convertShape(VectorOperators.F2D, D, 0);
    }

    private static DoubleVector high(FloatVector v) {
        return (DoubleVector) v.convertShape(VectorOperators.F2D, D, 1);
    }

    /** The lanes of two double vectors added in order. */
    private static double lanes(DoubleVector v0, DoubleVector v1) {
        double s = 0;
        for (int l = 0; l < D.length(); l++) s += v0.lane(l);
        for (int l = 0; l < D.length(); l++) s += v1.lane(l);
        return s;
    }

    /** {@code dx = gamma * invStd / M * (M * dy - sum(dy) - xhat * sum(dy * xhat))}, M = batch * spatial. */
    static void backward(GemmWorkers workers, MemorySegment x, MemorySegment dy, MemorySegment gamma, MemorySegment savedMean,
                                MemorySegment savedInvStd, MemorySegment dx, MemorySegment dgamma, MemorySegment dbeta,
                                ChannelGeometry g) {
        long m = (long) g.batch() * g.spatial();
        workers.forEach(g.channels(), ch -> {
            float mean = savedMean.getAtIndex(F, ch), invStd = savedInvStd.getAtIndex(F, ch);
            double sumDy = sum(dy, g, ch), sumDyXhat = productSum(x, dy, mean, invStd, g, ch);
            dgamma.setAtIndex(F, ch, (float) sumDyXhat);
            dbeta.setAtIndex(F, ch, (float) sumDy);
            float k = gamma.getAtIndex(F, ch) * invStd / m;
            float sDy = (float) sumDy, sDyXhat = (float) sumDyXhat, mf = m;
            int s = g.spatial(), bound = S.loopBound(s);
            FloatVector vm = FloatVector.broadcast(S, mean), vi = FloatVector.broadcast(S, invStd);
            FloatVector vk = FloatVector.broadcast(S, k), vmf = FloatVector.broadcast(S, mf);
            FloatVector vsDy = FloatVector.broadcast(S, sDy), vsX = FloatVector.broadcast(S, sDyXhat);
            for (int b = 0; b < g.batch(); b++) {
                long base = ((long) b * g.channels() + ch) * s;
                int i = 0;
                for (; i < bound; i += L) {
                    long at = (base + i) * Float.BYTES;
                    FloatVector xhat = FloatVector.fromMemorySegment(S, x, at, NATIVE).sub(vm).mul(vi);
                    FloatVector d = FloatVector.fromMemorySegment(S, dy, at, NATIVE);
                    vk.mul(vmf.mul(d).sub(vsDy).sub(xhat.mul(vsX))).intoMemorySegment(dx, at, NATIVE);
                }
                for (; i < s; i++) {
                    float xhat = (x.getAtIndex(F, base + i) - mean) * invStd;
                    dx.setAtIndex(F, base + i, k * (mf * dy.getAtIndex(F, base + i) - sDy - xhat * sDyXhat));
                }
            }
        }, x, dy, gamma, savedMean, savedInvStd, dx, dgamma, dbeta);
    }
}
