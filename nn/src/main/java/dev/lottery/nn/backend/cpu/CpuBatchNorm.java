package dev.lottery.nn.backend.cpu;

import dev.lottery.nn.backend.ChannelGeometry;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Spatial batch normalization on the CPU (per channel over batch and positions); sums in double. */
public final class CpuBatchNorm {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private CpuBatchNorm() {}

    public static void training(MemorySegment x, MemorySegment gamma, MemorySegment beta, MemorySegment runningMean,
                                MemorySegment runningVar, float momentum, float epsilon, MemorySegment savedMean,
                                MemorySegment savedInvStd, MemorySegment y, ChannelGeometry g) {
        int n = g.batch(), c = g.channels(), s = g.spatial();
        long m = (long) n * s;
        for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            for (int b = 0; b < n; b++) {
                long base = ((long) b * c + ch) * s;
                for (int i = 0; i < s; i++) sum += x.getAtIndex(F, base + i);
            }
            double mean = sum / m;
            double sq = 0;
            for (int b = 0; b < n; b++) {
                long base = ((long) b * c + ch) * s;
                for (int i = 0; i < s; i++) {
                    double d = x.getAtIndex(F, base + i) - mean;
                    sq += d * d;
                }
            }
            double var = sq / m;
            double invStd = 1 / Math.sqrt(var + epsilon);
            savedMean.setAtIndex(F, ch, (float) mean);
            savedInvStd.setAtIndex(F, ch, (float) invStd);
            double unbiased = m > 1 ? sq / (m - 1) : var;
            runningMean.setAtIndex(F, ch, (float) ((1 - momentum) * runningMean.getAtIndex(F, ch) + momentum * mean));
            runningVar.setAtIndex(F, ch, (float) ((1 - momentum) * runningVar.getAtIndex(F, ch) + momentum * unbiased));
            normalize(x, y, g, ch, (float) mean, (float) invStd, gamma.getAtIndex(F, ch), beta.getAtIndex(F, ch));
        }
    }

    public static void inference(MemorySegment x, MemorySegment gamma, MemorySegment beta, MemorySegment runningMean,
                                 MemorySegment runningVar, float epsilon, MemorySegment y, ChannelGeometry g) {
        for (int ch = 0; ch < g.channels(); ch++) {
            float invStd = (float) (1 / Math.sqrt(runningVar.getAtIndex(F, ch) + (double) epsilon));
            normalize(x, y, g, ch, runningMean.getAtIndex(F, ch), invStd, gamma.getAtIndex(F, ch), beta.getAtIndex(F, ch));
        }
    }

    private static void normalize(MemorySegment x, MemorySegment y, ChannelGeometry g, int ch, float mean, float invStd, float gamma, float beta) {
        int c = g.channels(), s = g.spatial();
        float scale = gamma * invStd, shift = beta - mean * scale;
        for (int b = 0; b < g.batch(); b++) {
            long base = ((long) b * c + ch) * s;
            for (int i = 0; i < s; i++) y.setAtIndex(F, base + i, Math.fma(x.getAtIndex(F, base + i), scale, shift));
        }
    }

    /** {@code dx = gamma * invStd / M * (M * dy - sum(dy) - xhat * sum(dy * xhat))}, M = batch * spatial. */
    public static void backward(MemorySegment x, MemorySegment dy, MemorySegment gamma, MemorySegment savedMean,
                                MemorySegment savedInvStd, MemorySegment dx, MemorySegment dgamma, MemorySegment dbeta,
                                ChannelGeometry g) {
        int n = g.batch(), c = g.channels(), s = g.spatial();
        long m = (long) n * s;
        for (int ch = 0; ch < c; ch++) {
            float mean = savedMean.getAtIndex(F, ch), invStd = savedInvStd.getAtIndex(F, ch);
            double sumDy = 0, sumDyXhat = 0;
            for (int b = 0; b < n; b++) {
                long base = ((long) b * c + ch) * s;
                for (int i = 0; i < s; i++) {
                    double d = dy.getAtIndex(F, base + i);
                    sumDy += d;
                    sumDyXhat += d * (x.getAtIndex(F, base + i) - mean) * invStd;
                }
            }
            dgamma.setAtIndex(F, ch, (float) sumDyXhat);
            dbeta.setAtIndex(F, ch, (float) sumDy);
            float k = gamma.getAtIndex(F, ch) * invStd / m;
            float sDy = (float) sumDy, sDyXhat = (float) sumDyXhat;
            for (int b = 0; b < n; b++) {
                long base = ((long) b * c + ch) * s;
                for (int i = 0; i < s; i++) {
                    float xhat = (x.getAtIndex(F, base + i) - mean) * invStd;
                    dx.setAtIndex(F, base + i, k * (m * dy.getAtIndex(F, base + i) - sDy - xhat * sDyXhat));
                }
            }
        }
    }
}
