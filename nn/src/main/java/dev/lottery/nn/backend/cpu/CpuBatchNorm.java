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
 * population's members see exactly what they would alone). Sums are in double: each vector of floats is widened to
 * two vectors of doubles, whose lanes are added in order at the end of the channel, so the bits depend on the
 * geometry and the vector width only. The statistics take two passes over the input (sums of {@code x - x0} and of
 * its square, {@code x0} the channel's first value, which keeps the variance free of cancellation), the
 * normalization one more.
 */
public final class CpuBatchNorm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = S.withLanes(double.class);
    private static final int L = S.length();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private CpuBatchNorm() {}

    public static void training(MemorySegment x, MemorySegment gamma, MemorySegment beta, MemorySegment runningMean,
                                MemorySegment runningVar, float momentum, float epsilon, MemorySegment savedMean,
                                MemorySegment savedInvStd, MemorySegment y, ChannelGeometry g) {
        long m = (long) g.batch() * g.spatial();
        GemmWorkers.forEach(g.channels(), ch -> {
            float x0 = x.getAtIndex(F, (long) ch * g.spatial());
            double[] sums = sums(x, null, x0, g, ch);
            double shifted = sums[0] / m, mean = x0 + shifted;
            double var = Math.max(0, sums[1] / m - shifted * shifted);
            double invStd = 1 / Math.sqrt(var + epsilon);
            savedMean.setAtIndex(F, ch, (float) mean);
            savedInvStd.setAtIndex(F, ch, (float) invStd);
            double unbiased = m > 1 ? var * m / (m - 1) : var;
            runningMean.setAtIndex(F, ch, (float) ((1 - momentum) * runningMean.getAtIndex(F, ch) + momentum * mean));
            runningVar.setAtIndex(F, ch, (float) ((1 - momentum) * runningVar.getAtIndex(F, ch) + momentum * unbiased));
            normalize(x, y, g, ch, (float) mean, (float) invStd, gamma.getAtIndex(F, ch), beta.getAtIndex(F, ch));
        }, x, gamma, beta, runningMean, runningVar, savedMean, savedInvStd, y);
    }

    public static void inference(MemorySegment x, MemorySegment gamma, MemorySegment beta, MemorySegment runningMean,
                                 MemorySegment runningVar, float epsilon, MemorySegment y, ChannelGeometry g) {
        GemmWorkers.forEach(g.channels(), ch -> {
            float invStd = (float) (1 / Math.sqrt(runningVar.getAtIndex(F, ch) + (double) epsilon));
            normalize(x, y, g, ch, runningMean.getAtIndex(F, ch), invStd, gamma.getAtIndex(F, ch), beta.getAtIndex(F, ch));
        }, x, gamma, beta, runningMean, runningVar, y);
    }

    /** {@code y = x * scale + shift} over one channel, {@code scale = gamma * invStd}, {@code shift = beta - mean * scale}. */
    private static void normalize(MemorySegment x, MemorySegment y, ChannelGeometry g, int ch, float mean, float invStd, float gamma, float beta) {
        int s = g.spatial(), bound = S.loopBound(s);
        float scale = gamma * invStd, shift = beta - mean * scale;
        FloatVector vs = FloatVector.broadcast(S, scale), vb = FloatVector.broadcast(S, shift);
        for (int b = 0; b < g.batch(); b++) {
            long base = ((long) b * g.channels() + ch) * s;
            int i = 0;
            for (; i < bound; i += L) {
                long at = (base + i) * Float.BYTES;
                FloatVector.fromMemorySegment(S, x, at, NATIVE).fma(vs, vb).intoMemorySegment(y, at, NATIVE);
            }
            for (; i < s; i++) y.setAtIndex(F, base + i, Math.fma(x.getAtIndex(F, base + i), scale, shift));
        }
    }

    /**
     * Over one channel, in double: with {@code dy == null}, {@code {sum(x - x0), sum((x - x0)^2)}}; otherwise
     * {@code {sum(dy), sum(dy * (x - x0))}}.
     */
    private static double[] sums(MemorySegment x, MemorySegment dy, float x0, ChannelGeometry g, int ch) {
        int s = g.spatial(), bound = S.loopBound(s);
        DoubleVector a0 = DoubleVector.zero(D), a1 = a0, b0 = a0, b1 = a0;
        double ta = 0, tb = 0;
        FloatVector vx0 = FloatVector.broadcast(S, x0);
        for (int b = 0; b < g.batch(); b++) {
            long base = ((long) b * g.channels() + ch) * s;
            int i = 0;
            for (; i < bound; i += L) {
                long at = (base + i) * Float.BYTES;
                FloatVector d = FloatVector.fromMemorySegment(S, x, at, NATIVE).sub(vx0);
                FloatVector u = dy == null ? d : FloatVector.fromMemorySegment(S, dy, at, NATIVE);
                DoubleVector d0 = (DoubleVector) d.convertShape(VectorOperators.F2D, D, 0);
                DoubleVector d1 = (DoubleVector) d.convertShape(VectorOperators.F2D, D, 1);
                DoubleVector u0 = (DoubleVector) u.convertShape(VectorOperators.F2D, D, 0);
                DoubleVector u1 = (DoubleVector) u.convertShape(VectorOperators.F2D, D, 1);
                a0 = a0.add(u0);
                a1 = a1.add(u1);
                b0 = u0.fma(d0, b0);
                b1 = u1.fma(d1, b1);
            }
            for (; i < s; i++) {
                double d = x.getAtIndex(F, base + i) - x0, u = dy == null ? d : dy.getAtIndex(F, base + i);
                ta += u;
                tb = Math.fma(u, d, tb);
            }
        }
        return new double[] {lanes(a0, a1) + ta, lanes(b0, b1) + tb};
    }

    /** The lanes of two double vectors added in order. */
    private static double lanes(DoubleVector v0, DoubleVector v1) {
        double s = 0;
        for (int l = 0; l < D.length(); l++) s += v0.lane(l);
        for (int l = 0; l < D.length(); l++) s += v1.lane(l);
        return s;
    }

    /** {@code dx = gamma * invStd / M * (M * dy - sum(dy) - xhat * sum(dy * xhat))}, M = batch * spatial. */
    public static void backward(MemorySegment x, MemorySegment dy, MemorySegment gamma, MemorySegment savedMean,
                                MemorySegment savedInvStd, MemorySegment dx, MemorySegment dgamma, MemorySegment dbeta,
                                ChannelGeometry g) {
        long m = (long) g.batch() * g.spatial();
        GemmWorkers.forEach(g.channels(), ch -> {
            float mean = savedMean.getAtIndex(F, ch), invStd = savedInvStd.getAtIndex(F, ch);
            double[] sums = sums(x, dy, mean, g, ch);
            double sumDy = sums[0], sumDyXhat = sums[1] * invStd;
            dgamma.setAtIndex(F, ch, (float) sumDyXhat);
            dbeta.setAtIndex(F, ch, (float) sumDy);
            float k = gamma.getAtIndex(F, ch) * invStd / m;
            float sDy = (float) sumDy, sDyXhat = (float) sumDyXhat, mf = m;
            // dx = k * (m * dy - sDy - (x - mean) * invStd * sDyXhat) = (k * m) * dy + (x - mean) * c1 + c0
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
