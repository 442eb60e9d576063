package dev.lottery.nn.backend;

import dev.lottery.nn.backend.common.ShiftAndFlipRequest;
import dev.lottery.nn.backend.common.GlobalPruneRequest;
import dev.lottery.nn.backend.common.LayerOpSizes;
import dev.lottery.nn.backend.common.GemmDims;
import dev.lottery.nn.rng.KeyedRandom;
import dev.lottery.nn.tensor.HostTensor;
import dev.lottery.nn.tensor.Tensor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Every {@link Backend} operation written the plain way, as the conformance suite's yardstick: loops over
 * {@link HostTensor}s that follow each method's documented formula, one element at a time. Where the contract is a
 * mathematical value (products, convolutions, softmax, batch normalization, averages) the loops sum in double and
 * round once; where the contract fixes the float operations (element-wise ops, bias sums in row order, the SGD
 * update's fused multiply-adds, dropout's draws, max pooling's first maximum) they do exactly those. Slow, and
 * meant to be obviously right rather than fast.
 */
public final class ReferenceBackend implements Backend {
    @Override
    public String name() {
        return "reference";
    }

    @Override
    public String description() {
        return "plain Java loops (conformance reference)";
    }

    @Override
    public String kernelGeneration() {
        return "reference-1";
    }

    private static HostTensor host(Tensor t) {
        if (t instanceof HostTensor h) return h;
        throw new IllegalArgumentException(t + " is not a host tensor");
    }

    private static float get(Tensor t, long i) {
        return host(t).get(i);
    }

    private static void set(Tensor t, long i, float v) {
        host(t).set(i, v);
    }

    @Override
    public HostTensor zeros(String name, int... shape) {
        return HostTensor.zeros(name, shape);
    }

    @Override
    public HostTensor upload(String name, float[] values, int... shape) {
        return HostTensor.of(name, values, shape);
    }

    /** Not an estimate of anything: the reference only runs single ops on small tensors, never sizes populations. */
    @Override
    public long availableMemory() {
        return Long.MAX_VALUE;
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        if (src.size() != dst.size()) throw new IllegalArgumentException(src + " -> " + dst);
        for (long i = 0; i < src.size(); i++) set(dst, i, get(src, i));
    }

    @Override
    public StepRecorder stepRecorder() {
        return StepRecorder.direct(this);
    }

    @Override
    public void close() {}

    // ---- dense ----

    /** Element (i, j) of member n's stored matrix. */
    private static float at(MatrixBatch x, int member, int i, int j) {
        return get(x.tensor(), x.offset() + member * x.stride() + (long) i * x.ld() + j);
    }

    @Override
    public void gemm(int members, boolean transA, boolean transB, float alpha, MatrixBatch a, MatrixBatch b, float beta, MatrixBatch c) {
        GemmDims d = GemmDims.of(members, transA, transB, a, b, c);
        for (int n = 0; n < members; n++) {
            for (int i = 0; i < d.m(); i++) {
                for (int j = 0; j < d.n(); j++) {
                    double sum = 0;
                    for (int p = 0; p < d.k(); p++) {
                        float x = transA ? at(a, n, p, i) : at(a, n, i, p);
                        float y = transB ? at(b, n, j, p) : at(b, n, p, j);
                        sum += (double) x * y;
                    }
                    long ci = c.offset() + n * c.stride() + (long) i * c.ld() + j;
                    double value = alpha * sum + (beta == 0f ? 0 : (double) beta * get(c.tensor(), ci));
                    set(c.tensor(), ci, (float) value);
                }
            }
        }
    }

    @Override
    public void addBias(Tensor y, Tensor bias) {
        int cols = y.dim(1);
        for (long i = 0; i < y.size(); i++) set(y, i, get(y, i) + get(bias, i % cols));
    }

    @Override
    public void addBiasRelu(Tensor y, Tensor bias) {
        int cols = y.dim(1);
        for (long i = 0; i < y.size(); i++) set(y, i, relu(get(y, i) + get(bias, i % cols)));
    }

    private static float relu(float v) {
        return v > 0f ? v : 0f;
    }

    @Override
    public void sumRows(Tensor dy, Tensor dbias) {
        int rows = dy.dim(0), cols = dy.dim(1);
        for (int j = 0; j < cols; j++) {
            float sum = 0f;
            for (int i = 0; i < rows; i++) sum += get(dy, (long) i * cols + j);
            set(dbias, j, sum);
        }
    }

    @Override
    public void relu(Tensor y) {
        for (long i = 0; i < y.size(); i++) set(y, i, relu(get(y, i)));
    }

    @Override
    public void reluBackward(Tensor y, Tensor dy) {
        for (long i = 0; i < y.size(); i++) if (get(y, i) <= 0f) set(dy, i, 0f);
    }

    @Override
    public void multiply(Tensor y, Tensor factors) {
        for (long i = 0; i < y.size(); i++) set(y, i, get(y, i) * get(factors, i));
    }

    @Override
    public void add(Tensor y, Tensor x) {
        for (long i = 0; i < y.size(); i++) set(y, i, get(y, i) + get(x, i));
    }

    @Override
    public void softmaxCrossEntropy(Tensor logits, int members, Tensor labels, Tensor dlogits, Tensor stats) {
        int rows = logits.dim(0), width = logits.dim(1), classes = width / members;
        boolean ownLabels = labels.size() == (long) rows * members;
        for (int n = 0; n < members; n++) {
            double lossSum = 0;
            int correct = 0;
            for (int r = 0; r < rows; r++) {
                long row = (long) r * width + (long) n * classes;
                int label = (int) get(labels, ownLabels ? (long) r * members + n : r);
                int argmax = 0;
                for (int j = 1; j < classes; j++) if (get(logits, row + j) > get(logits, row + argmax)) argmax = j;
                double max = get(logits, row + argmax), sum = 0;
                for (int j = 0; j < classes; j++) sum += Math.exp(get(logits, row + j) - max);
                double logSum = max + Math.log(sum);
                lossSum += logSum - get(logits, row + label);
                if (argmax == label) correct++;
                if (dlogits != null) {
                    for (int j = 0; j < classes; j++) {
                        double p = Math.exp(get(logits, row + j) - logSum);
                        set(dlogits, row + j, (float) ((p - (j == label ? 1 : 0)) / rows));
                    }
                }
            }
            if (stats != null) {
                set(stats, 2L * n, (float) (get(stats, 2L * n) + lossSum));
                set(stats, 2L * n + 1, get(stats, 2L * n + 1) + correct);
            }
        }
    }

    /** The contract's update with the fused multiply-adds every backend uses, so the result is defined to the bit. */
    @Override
    public void sgdStep(Tensor w, Tensor grad, Tensor mask, Tensor velocity, float lr, float momentum, float weightDecay) {
        for (long i = 0; i < w.size(); i++) {
            float wi = get(w, i), g = get(grad, i);
            if (weightDecay != 0f) g = Math.fma(weightDecay, wi, g);
            if (velocity != null) g = Math.fma(momentum, get(velocity, i), g);
            wi = Math.fma(-lr, g, wi);
            if (mask != null && get(mask, i) == 0f) {
                wi = 0f;
                g = 0f;
            }
            set(w, i, wi);
            if (velocity != null) set(velocity, i, g);
        }
    }

    @Override
    public void dropoutMask(Tensor mask, int members, KeyedRandom rng, float rate) {
        int batch = mask.dim(0);
        long perMember = mask.size() / batch / members;
        float keep = 1f / (1f - rate);
        for (int b = 0; b < batch; b++) {
            for (int n = 0; n < members; n++) {
                for (long e = 0; e < perMember; e++) {
                    set(mask, ((long) b * members + n) * perMember + e, rng.uniform(b * perMember + e) < rate ? 0f : keep);
                }
            }
        }
    }

    // ---- convolution ----

    private static long nchw(int channels, int height, int width, int n, int c, int h, int w) {
        return (((long) n * channels + c) * height + h) * width + w;
    }

    @Override
    public void conv2d(Tensor x, Tensor w, Tensor bias, Tensor y, ConvGeometry g) {
        LayerOpSizes.conv2d(x, w, bias, y, g);
        int cg = g.groupChannels(), kg = g.groupFilters(), r = g.kernel();
        for (int n = 0; n < g.batch(); n++) {
            for (int k = 0; k < g.filters(); k++) {
                int firstChannel = k / kg * cg;
                for (int p = 0; p < g.outHeight(); p++) {
                    for (int q = 0; q < g.outWidth(); q++) {
                        double sum = bias == null ? 0 : get(bias, k);
                        for (int c = 0; c < cg; c++) {
                            for (int i = 0; i < r; i++) {
                                for (int j = 0; j < r; j++) {
                                    int h = p * g.stride() - g.pad() + i, v = q * g.stride() - g.pad() + j;
                                    if (h < 0 || h >= g.height() || v < 0 || v >= g.width()) continue;
                                    sum += (double) get(x, nchw(g.channels(), g.height(), g.width(), n, firstChannel + c, h, v))
                                            * get(w, nchw(cg, r, r, k, c, i, j));
                                }
                            }
                        }
                        set(y, nchw(g.filters(), g.outHeight(), g.outWidth(), n, k, p, q), (float) sum);
                    }
                }
            }
        }
    }

    @Override
    public void conv2dBackwardData(Tensor dy, Tensor w, Tensor dx, ConvGeometry g) {
        LayerOpSizes.conv2dBackwardData(dy, w, dx, g);
        int cg = g.groupChannels(), kg = g.groupFilters(), r = g.kernel();
        double[] sums = new double[Math.toIntExact(dx.size())];
        for (int n = 0; n < g.batch(); n++) {
            for (int k = 0; k < g.filters(); k++) {
                int firstChannel = k / kg * cg;
                for (int p = 0; p < g.outHeight(); p++) {
                    for (int q = 0; q < g.outWidth(); q++) {
                        float d = get(dy, nchw(g.filters(), g.outHeight(), g.outWidth(), n, k, p, q));
                        for (int c = 0; c < cg; c++) {
                            for (int i = 0; i < r; i++) {
                                for (int j = 0; j < r; j++) {
                                    int h = p * g.stride() - g.pad() + i, v = q * g.stride() - g.pad() + j;
                                    if (h < 0 || h >= g.height() || v < 0 || v >= g.width()) continue;
                                    sums[(int) nchw(g.channels(), g.height(), g.width(), n, firstChannel + c, h, v)]
                                            += (double) d * get(w, nchw(cg, r, r, k, c, i, j));
                                }
                            }
                        }
                    }
                }
            }
        }
        for (int i = 0; i < sums.length; i++) set(dx, i, (float) sums[i]);
    }

    @Override
    public void conv2dBackwardFilter(Tensor x, Tensor dy, Tensor dw, Tensor dbias, ConvGeometry g) {
        LayerOpSizes.conv2dBackwardFilter(x, dy, dw, dbias, g);
        int cg = g.groupChannels(), kg = g.groupFilters(), r = g.kernel();
        for (int k = 0; k < g.filters(); k++) {
            int firstChannel = k / kg * cg;
            double biasSum = 0;
            for (int n = 0; n < g.batch(); n++) {
                for (int p = 0; p < g.outHeight(); p++) {
                    for (int q = 0; q < g.outWidth(); q++) biasSum += get(dy, nchw(g.filters(), g.outHeight(), g.outWidth(), n, k, p, q));
                }
            }
            if (dbias != null) set(dbias, k, (float) biasSum);
            for (int c = 0; c < cg; c++) {
                for (int i = 0; i < r; i++) {
                    for (int j = 0; j < r; j++) {
                        double sum = 0;
                        for (int n = 0; n < g.batch(); n++) {
                            for (int p = 0; p < g.outHeight(); p++) {
                                for (int q = 0; q < g.outWidth(); q++) {
                                    int h = p * g.stride() - g.pad() + i, v = q * g.stride() - g.pad() + j;
                                    if (h < 0 || h >= g.height() || v < 0 || v >= g.width()) continue;
                                    sum += (double) get(x, nchw(g.channels(), g.height(), g.width(), n, firstChannel + c, h, v))
                                            * get(dy, nchw(g.filters(), g.outHeight(), g.outWidth(), n, k, p, q));
                                }
                            }
                        }
                        set(dw, nchw(cg, r, r, k, c, i, j), (float) sum);
                    }
                }
            }
        }
    }

    /** Flat index of the first maximum of output (plane, p, q)'s window: later elements win only when strictly larger. */
    private static long windowArgmax(Tensor x, PoolGeometry g, long plane, int p, int q) {
        long first = (plane * g.height() + (long) p * g.stride()) * g.width() + (long) q * g.stride(), best = first;
        for (int i = 0; i < g.window(); i++) {
            for (int j = 0; j < g.window(); j++) {
                long at = first + (long) i * g.width() + j;
                if (get(x, at) > get(x, best)) best = at;
            }
        }
        return best;
    }

    @Override
    public void maxPool(Tensor x, Tensor y, PoolGeometry g) {
        LayerOpSizes.maxPool(x, y, g);
        long out = 0;
        for (long plane = 0; plane < (long) g.batch() * g.channels(); plane++) {
            for (int p = 0; p < g.outHeight(); p++) {
                for (int q = 0; q < g.outWidth(); q++) set(y, out++, get(x, windowArgmax(x, g, plane, p, q)));
            }
        }
    }

    /** Adds every output's gradient to its window's first maximum, outputs in row-major order. */
    @Override
    public void maxPoolBackward(Tensor x, Tensor y, Tensor dy, Tensor dx, PoolGeometry g) {
        LayerOpSizes.maxPoolBackward(x, y, dy, dx, g);
        for (long i = 0; i < dx.size(); i++) set(dx, i, 0f);
        long out = 0;
        for (long plane = 0; plane < (long) g.batch() * g.channels(); plane++) {
            for (int p = 0; p < g.outHeight(); p++) {
                for (int q = 0; q < g.outWidth(); q++) {
                    long at = windowArgmax(x, g, plane, p, q);
                    set(dx, at, get(dx, at) + get(dy, out++));
                }
            }
        }
    }

    /** The values of channel {@code c} over batch and positions, in memory order. */
    private static List<Long> channel(ChannelGeometry g, int c) {
        List<Long> at = new ArrayList<>();
        for (int n = 0; n < g.batch(); n++) {
            for (int s = 0; s < g.spatial(); s++) at.add(((long) n * g.channels() + c) * g.spatial() + s);
        }
        return at;
    }

    @Override
    public void batchNormTraining(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float momentum,
                                  float epsilon, Tensor savedMean, Tensor savedInvStd, Tensor y, ChannelGeometry g) {
        LayerOpSizes.batchNormTraining(x, gamma, beta, runningMean, runningVar, savedMean, savedInvStd, y, g);
        for (int c = 0; c < g.channels(); c++) {
            List<Long> at = channel(g, c);
            int m = at.size();
            double mean = 0, squares = 0;
            for (long i : at) mean += get(x, i);
            mean /= m;
            for (long i : at) squares += (get(x, i) - mean) * (get(x, i) - mean);
            double variance = squares / m, invStd = 1 / Math.sqrt(variance + epsilon);
            double unbiased = m > 1 ? squares / (m - 1) : variance;
            for (long i : at) set(y, i, (float) (get(gamma, c) * (get(x, i) - mean) * invStd + get(beta, c)));
            set(savedMean, c, (float) mean);
            set(savedInvStd, c, (float) invStd);
            set(runningMean, c, (float) ((1 - (double) momentum) * get(runningMean, c) + momentum * mean));
            set(runningVar, c, (float) ((1 - (double) momentum) * get(runningVar, c) + momentum * unbiased));
        }
    }

    @Override
    public void batchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float epsilon,
                                   Tensor y, ChannelGeometry g) {
        LayerOpSizes.batchNormInference(x, gamma, beta, runningMean, runningVar, y, g);
        for (int c = 0; c < g.channels(); c++) {
            double invStd = 1 / Math.sqrt((double) get(runningVar, c) + epsilon);
            for (long i : channel(g, c)) set(y, i, (float) (get(gamma, c) * (get(x, i) - (double) get(runningMean, c)) * invStd + get(beta, c)));
        }
    }

    @Override
    public void batchNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor savedMean, Tensor savedInvStd, Tensor dx,
                                  Tensor dgamma, Tensor dbeta, ChannelGeometry g) {
        LayerOpSizes.batchNormBackward(x, dy, gamma, savedMean, savedInvStd, dx, dgamma, dbeta, g);
        for (int c = 0; c < g.channels(); c++) {
            List<Long> at = channel(g, c);
            int m = at.size();
            double mean = get(savedMean, c), invStd = get(savedInvStd, c), sumDy = 0, sumDyXhat = 0;
            for (long i : at) {
                sumDy += get(dy, i);
                sumDyXhat += get(dy, i) * (get(x, i) - mean) * invStd;
            }
            for (long i : at) {
                double xhat = (get(x, i) - mean) * invStd;
                set(dx, i, (float) (get(gamma, c) * invStd / m * (m * (double) get(dy, i) - sumDy - xhat * sumDyXhat)));
            }
            set(dgamma, c, (float) sumDyXhat);
            set(dbeta, c, (float) sumDy);
        }
    }

    @Override
    public void globalAvgPool(Tensor x, Tensor y, ChannelGeometry g) {
        LayerOpSizes.globalAvgPool(x, y, g);
        for (long plane = 0; plane < (long) g.batch() * g.channels(); plane++) {
            double sum = 0;
            for (int s = 0; s < g.spatial(); s++) sum += get(x, plane * g.spatial() + s);
            set(y, plane, (float) (sum / g.spatial()));
        }
    }

    @Override
    public void globalAvgPoolBackward(Tensor dy, Tensor dx, ChannelGeometry g) {
        LayerOpSizes.globalAvgPoolBackward(dy, dx, g);
        for (long i = 0; i < dx.size(); i++) set(dx, i, get(dy, i / g.spatial()) / g.spatial());
    }

    // ---- pruning ----

    @Override
    public void applyMask(Tensor w, Tensor mask) {
        for (long i = 0; i < w.size(); i++) if (get(mask, i) == 0f) set(w, i, 0f);
    }

    @Override
    public long countNonZero(Tensor t) {
        long count = 0;
        for (long i = 0; i < t.size(); i++) if (get(t, i) != 0f) count++;
        return count;
    }

    @Override
    public long countMaskViolations(Tensor w, Tensor mask) {
        long count = 0;
        for (long i = 0; i < w.size(); i++) if (get(mask, i) == 0f && get(w, i) != 0f) count++;
        return count;
    }

    /** One surviving weight: its magnitude, the tensor it is in (position in the list) and its flat index there. */
    private record Candidate(float magnitude, int tensor, long index) {}

    @Override
    public void pruneSmallestMagnitudeGlobal(List<Tensor> weights, List<Tensor> masks, long count) {
        GlobalPruneRequest.survivors(this, weights, masks, count);
        List<Candidate> alive = new ArrayList<>();
        for (int t = 0; t < weights.size(); t++) {
            for (long i = 0; i < weights.get(t).size(); i++) {
                if (get(masks.get(t), i) != 0f) alive.add(new Candidate(Math.abs(get(weights.get(t), i)), t, i));
            }
        }
        alive.sort(Comparator.comparingDouble(Candidate::magnitude).thenComparingInt(Candidate::tensor).thenComparingLong(Candidate::index));
        for (Candidate c : alive.subList(0, Math.toIntExact(count))) set(masks.get(c.tensor()), c.index(), 0f);
    }

    @Override
    public void permute(Tensor src, int[] permutation, Tensor dst) {
        for (int i = 0; i < permutation.length; i++) set(dst, i, get(src, permutation[i]));
    }

    // ---- data ----

    @Override
    public void gatherRows(Tensor source, int[] order, int from, int count, Tensor dst) {
        int features = source.dim(1);
        for (int r = 0; r < count; r++) {
            for (int f = 0; f < features; f++) set(dst, (long) r * features + f, get(source, (long) order[from + r] * features + f));
        }
    }

    @Override
    public void gather(Tensor source, int[] order, int from, int count, Tensor dst) {
        for (int r = 0; r < count; r++) set(dst, r, get(source, order[from + r]));
    }

    @Override
    public void shiftAndFlip(Tensor src, Tensor dst, int channels, int height, int width, int[] shiftY, int[] shiftX, boolean[] flip) {
        int batch = ShiftAndFlipRequest.batch(src, dst, channels, height, width, shiftY, shiftX, flip);
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < channels; c++) {
                for (int h = 0; h < height; h++) {
                    for (int w = 0; w < width; w++) {
                        int sh = h + shiftY[n], sw = (flip[n] ? width - 1 - w : w) + shiftX[n];
                        boolean inside = sh >= 0 && sh < height && sw >= 0 && sw < width;
                        set(dst, nchw(channels, height, width, n, c, h, w), inside ? get(src, nchw(channels, height, width, n, c, sh, sw)) : 0f);
                    }
                }
            }
        }
    }
}
