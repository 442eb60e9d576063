package dev.lottery.nn.backend.cuda;

import dev.lottery.nn.backend.ChannelGeometry;
import dev.lottery.nn.backend.PoolGeometry;

/**
 * {@code conv_ops.cu} transliterated to Java, operation by operation and thread by thread where the order matters
 * (the per-channel reductions: {@link CudaBackend#REDUCE_THREADS} strided partial sums, then the shared-memory
 * tree). It runs without a GPU, so a test can compare the device's indexing and arithmetic with the CPU backend;
 * a kernel change must be mirrored here. Arrays are NCHW, flat.
 */
public final class ConvOpsKernelReference {
    private static final int THREADS = CudaBackend.REDUCE_THREADS;

    private ConvOpsKernelReference() {}

    /** {@code add_channel_bias}. */
    public static void addChannelBias(float[] y, float[] bias, int channels, int spatial) {
        for (long i = 0; i < y.length; i++) y[(int) i] += bias[(int) ((i / spatial) % channels)];
    }

    /** {@code block_sum}: the tree over the threads' partials. */
    static double blockSum(double[] partials) {
        double[] shared = partials.clone();
        for (int stride = THREADS / 2; stride > 0; stride >>= 1) {
            for (int t = 0; t < stride; t++) shared[t] += shared[t + stride];
        }
        return shared[0];
    }

    private static long at(long j, int channels, int spatial, int ch) {
        return ((j / spatial) * channels + ch) * spatial + j % spatial;
    }

    /** {@code channel_sums}. */
    public static void channelSums(float[] x, float[] out, int batch, int channels, int spatial) {
        long m = (long) batch * spatial;
        for (int ch = 0; ch < channels; ch++) {
            double[] s = new double[THREADS];
            for (int t = 0; t < THREADS; t++) for (long j = t; j < m; j += THREADS) s[t] += x[(int) at(j, channels, spatial, ch)];
            out[ch] = (float) blockSum(s);
        }
    }

    /** {@code window_argmax}. */
    static int windowArgmax(float[] x, long plane, int w, int row, int col, int win) {
        int best = row * w + col;
        float max = x[(int) (plane + best)];
        for (int i = 0; i < win; i++) {
            for (int j = 0; j < win; j++) {
                int a = (row + i) * w + col + j;
                float v = x[(int) (plane + a)];
                if (v > max) {
                    max = v;
                    best = a;
                }
            }
        }
        return best;
    }

    /** {@code max_pool}: one output per thread. */
    public static void maxPool(float[] x, float[] y, PoolGeometry g) {
        int h = g.height(), w = g.width(), p = g.outHeight(), q = g.outWidth();
        long planes = (long) g.batch() * g.channels();
        for (long o = 0; o < planes * p * q; o++) {
            long plane = o / ((long) p * q);
            int r = (int) (o % ((long) p * q)), pi = r / q, qi = r % q;
            long in = plane * h * w;
            y[(int) o] = x[(int) (in + windowArgmax(x, in, w, pi * g.stride(), qi * g.stride(), g.window()))];
        }
    }

    /** {@code max_pool_backward}: one input per thread, gathering from the windows that cover it. */
    public static void maxPoolBackward(float[] x, float[] dy, float[] dx, PoolGeometry g) {
        int h = g.height(), w = g.width(), p = g.outHeight(), q = g.outWidth(), win = g.window(), stride = g.stride();
        long planes = (long) g.batch() * g.channels();
        for (long i = 0; i < planes * h * w; i++) {
            long plane = i / ((long) h * w);
            int a = (int) (i % ((long) h * w)), hi = a / w, wi = a % w;
            long in = plane * h * w, gOff = plane * p * q;
            int p0 = hi - win + 1 <= 0 ? 0 : (hi - win + stride) / stride, p1 = Math.min(p - 1, hi / stride);
            int q0 = wi - win + 1 <= 0 ? 0 : (wi - win + stride) / stride, q1 = Math.min(q - 1, wi / stride);
            float sum = 0.0f;
            for (int pi = p0; pi <= p1; pi++) {
                for (int qi = q0; qi <= q1; qi++) {
                    if (windowArgmax(x, in, w, pi * stride, qi * stride, win) == a) sum += dy[(int) (gOff + (long) pi * q + qi)];
                }
            }
            dx[(int) i] = sum;
        }
    }

    /** {@code global_avg_pool}. */
    public static void globalAvgPool(float[] x, float[] y, ChannelGeometry g) {
        int s = g.spatial();
        for (long plane = 0; plane < (long) g.batch() * g.channels(); plane++) {
            double sum = 0;
            for (int i = 0; i < s; i++) sum += x[(int) (plane * s + i)];
            y[(int) plane] = (float) (sum / s);
        }
    }

    /** {@code global_avg_pool_backward}. */
    public static void globalAvgPoolBackward(float[] dy, float[] dx, ChannelGeometry g) {
        int s = g.spatial();
        for (long i = 0; i < g.size(); i++) dx[(int) i] = dy[(int) (i / s)] / (float) s;
    }

    private static void normalize(float[] x, float[] y, ChannelGeometry g, int ch, float mean, float invStd, float gamma, float beta) {
        float scale = gamma * invStd, shift = beta - mean * scale;
        long m = (long) g.batch() * g.spatial();
        for (long j = 0; j < m; j++) {
            int a = (int) at(j, g.channels(), g.spatial(), ch);
            y[a] = Math.fma(x[a], scale, shift);
        }
    }

    /** {@code batch_norm_training}. */
    public static void batchNormTraining(float[] x, float[] gamma, float[] beta, float[] runningMean, float[] runningVar, float momentum,
                                         float epsilon, float[] savedMean, float[] savedInvStd, float[] y, ChannelGeometry g) {
        int c = g.channels(), s = g.spatial();
        long m = (long) g.batch() * s;
        for (int ch = 0; ch < c; ch++) {
            double[] part = new double[THREADS];
            for (int t = 0; t < THREADS; t++) for (long j = t; j < m; j += THREADS) part[t] += x[(int) at(j, c, s, ch)];
            double mean = blockSum(part) / m;
            double[] sqPart = new double[THREADS];
            for (int t = 0; t < THREADS; t++) {
                for (long j = t; j < m; j += THREADS) {
                    double d = x[(int) at(j, c, s, ch)] - mean;
                    sqPart[t] += d * d;
                }
            }
            double sq = blockSum(sqPart);
            double var = sq / m;
            double invStd = 1 / Math.sqrt(var + (double) epsilon);
            savedMean[ch] = (float) mean;
            savedInvStd[ch] = (float) invStd;
            double unbiased = m > 1 ? sq / (m - 1) : var;
            runningMean[ch] = (float) ((double) ((1.0f - momentum) * runningMean[ch]) + (double) momentum * mean);
            runningVar[ch] = (float) ((double) ((1.0f - momentum) * runningVar[ch]) + (double) momentum * unbiased);
            normalize(x, y, g, ch, (float) mean, (float) invStd, gamma[ch], beta[ch]);
        }
    }

    /** {@code batch_norm_inference}. */
    public static void batchNormInference(float[] x, float[] gamma, float[] beta, float[] runningMean, float[] runningVar, float epsilon,
                                          float[] y, ChannelGeometry g) {
        for (long i = 0; i < g.size(); i++) {
            int ch = (int) ((i / g.spatial()) % g.channels());
            float invStd = (float) (1 / Math.sqrt((double) runningVar[ch] + (double) epsilon));
            float scale = gamma[ch] * invStd, shift = beta[ch] - runningMean[ch] * scale;
            y[(int) i] = Math.fma(x[(int) i], scale, shift);
        }
    }

    /** {@code batch_norm_backward}. */
    public static void batchNormBackward(float[] x, float[] dy, float[] gamma, float[] savedMean, float[] savedInvStd, float[] dx,
                                         float[] dgamma, float[] dbeta, ChannelGeometry g) {
        int c = g.channels(), s = g.spatial();
        long m = (long) g.batch() * s;
        for (int ch = 0; ch < c; ch++) {
            float mean = savedMean[ch], invStd = savedInvStd[ch];
            double[] pDy = new double[THREADS], pDyXhat = new double[THREADS];
            for (int t = 0; t < THREADS; t++) {
                for (long j = t; j < m; j += THREADS) {
                    int a = (int) at(j, c, s, ch);
                    double d = dy[a];
                    pDy[t] += d;
                    pDyXhat[t] += d * (double) (x[a] - mean) * (double) invStd;
                }
            }
            double sumDy = blockSum(pDy), sumDyXhat = blockSum(pDyXhat);
            dgamma[ch] = (float) sumDyXhat;
            dbeta[ch] = (float) sumDy;
            float k = gamma[ch] * invStd / (float) m;
            float sDy = (float) sumDy, sDyXhat = (float) sumDyXhat, fm = (float) m;
            for (long j = 0; j < m; j++) {
                int a = (int) at(j, c, s, ch);
                float xhat = (x[a] - mean) * invStd;
                dx[a] = k * (fm * dy[a] - sDy - xhat * sDyXhat);
            }
        }
    }

    /** {@code shift_and_flip}, with the draws packed as CudaBackend uploads them: [shiftY, shiftX, flip as 0/1]. */
    public static void shiftAndFlip(float[] src, float[] dst, int[] draws, int batch, int channels, int height, int width) {
        long image = (long) channels * height * width;
        for (long i = 0; i < batch * image; i++) {
            int n = (int) (i / image);
            int hw = (int) (i % ((long) height * width)), h = hw / width, w = hw % width;
            int sh = h + draws[n];
            int sw = (draws[2 * batch + n] != 0 ? width - 1 - w : w) + draws[batch + n];
            dst[(int) i] = sh < 0 || sh >= height || sw < 0 || sw >= width ? 0.0f : src[(int) (i - hw + (long) sh * width + sw)];
        }
    }
}
