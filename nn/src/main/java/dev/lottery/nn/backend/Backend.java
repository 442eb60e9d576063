package dev.lottery.nn.backend;

import dev.lottery.nn.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Where tensors live and ops run: the CPU backend (Vector API, always available) or the CUDA backend (device
 * memory, kernels). Everything a training run or a pruning round does to weights is a call on this interface,
 * so the lottery orchestration never holds weights on the host; {@link Tensor#toArray()} is the only way out
 * and is used for snapshots.
 *
 * <p>Conventions: tensors are row-major; 2-D tensors are {@code [rows, cols]}; class labels are stored in float
 * tensors as exact small integers (exact below 2^24), so the data set can be resident on a device as one kind of
 * buffer. Ops do not allocate on the hot path.
 */
public interface Backend extends AutoCloseable {
    /** Short name: {@code cpu} or {@code cuda}. */
    String name();

    /** One line for logs: what runs and why (lanes, threads, device name, ...). */
    String description();

    /** A new zero-filled tensor owned by the caller. */
    Tensor zeros(String name, int... shape);

    /** A new tensor holding {@code values} (an upload on a device). */
    Tensor upload(String name, float[] values, int... shape);

    /**
     * A tensor holding the float32 {@code values} of {@code shape}, which the caller hands over with the arena that
     * owns them: a backend that computes in host memory uses them as they are (a memory-mapped data set becomes
     * resident without a copy) and closes the arena with the tensor; others copy them and close the arena at once.
     */
    default Tensor adopt(String name, MemorySegment values, Arena owner, int... shape) {
        try (owner) {
            return upload(name, values.toArray(ValueLayout.JAVA_FLOAT), shape);
        }
    }

    /** {@code dst <- src} for tensors of equal size on this backend. */
    void copy(Tensor src, Tensor dst);

    /** {@code c = alpha * op(a) * op(b) + beta * c} for 2-D tensors; {@code beta == 0} ignores c's old values. */
    void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c);

    /** {@code y[i, j] += bias[j]}. */
    void addBias(Tensor y, Tensor bias);

    /** {@code dbias[j] = sum_i dy[i, j]}. */
    void sumRows(Tensor dy, Tensor dbias);

    /** {@code y = max(y, 0)} in place. */
    void relu(Tensor y);

    /** {@code dy *= (y > 0)} in place, where {@code y} is the ReLU's output. */
    void reluBackward(Tensor y, Tensor dy);

    /**
     * Softmax cross-entropy over the rows of {@code logits [batch, classes]} against {@code labels [batch]}.
     * When {@code dlogits} is non-null it receives {@code (softmax - onehot) / batch}, the gradient of the mean loss.
     * When {@code stats} (shape [2]) is non-null, the summed loss and the number of correct argmax predictions are
     * added to {@code stats[0]} and {@code stats[1]}; it stays in backend memory until the caller reads it.
     */
    void softmaxCrossEntropy(Tensor logits, Tensor labels, Tensor dlogits, Tensor stats);

    /**
     * One SGD step with optional momentum and weight decay that keeps masked entries exactly zero:
     * {@code g = grad + weightDecay*w; v = momentum*v + g; w -= lr*v; w[mask == 0] = 0; v[mask == 0] = 0}.
     * {@code mask} and {@code velocity} may be null (no mask; plain SGD).
     */
    void sgdStep(Tensor w, Tensor grad, Tensor mask, Tensor velocity, float lr, float momentum, float weightDecay);

    /** {@code w[mask == 0] = 0}. */
    void applyMask(Tensor w, Tensor mask);

    /**
     * Gathers rows {@code order[from .. from+count)} of {@code source [n, features]} into {@code dst [count, features]}
     * (a mini-batch from the resident data set). {@code order} is a host-side index list.
     */
    void gatherRows(Tensor source, int[] order, int from, int count, Tensor dst);

    /** Gathers elements {@code order[from .. from+count)} of the 1-D {@code source} into {@code dst [count]}. */
    void gather(Tensor source, int[] order, int from, int count, Tensor dst);

    // ---- Pruning and resetting (used by the lottery module). Masks are chosen where the weights live, so a
    // ---- pruning round needs no weight copies to the host; only scalars (counts) come back.

    /** Number of entries of {@code t} that are not zero (for a mask: how many weights survive). */
    long countNonZero(Tensor t);

    /**
     * Number of entries with {@code mask == 0} but {@code w != 0}. Always 0 when the invariant "masked weights are
     * exactly zero" holds; the lottery module checks it after every training run.
     */
    long countMaskViolations(Tensor w, Tensor mask);

    /**
     * Sets {@code mask = 0} for exactly {@code count} currently unmasked entries of {@code w}: those with the smallest
     * {@code |w|}, ties broken by the lower flat index (deterministic on every backend). Does not touch {@code w};
     * callers re-apply the mask when they reset weights. {@code count} must not exceed the unmasked entries.
     */
    void pruneSmallestMagnitude(Tensor w, Tensor mask, long count);

    /**
     * As {@link #pruneSmallestMagnitude} but ranking all unmasked entries of all {@code weights} together (global
     * magnitude pruning). Ties are broken by the position in the list, then by the flat index.
     */
    void pruneSmallestMagnitudeGlobal(java.util.List<Tensor> weights, java.util.List<Tensor> masks, long count);

    /**
     * {@code dst[i] = src[permutation[i]]} over the flat index, for tensors of {@code permutation.length} entries
     * (e.g. a mask rearranged by a uniformly random permutation keeps its count of ones). {@code permutation} is a
     * host-side index list, like a mini-batch order.
     */
    default void permute(Tensor src, int[] permutation, Tensor dst) {
        if (src.size() != permutation.length || dst.size() != permutation.length) {
            throw new IllegalArgumentException("permute: " + src + " -> " + dst + " by " + permutation.length + " indices");
        }
        gather(src, permutation, 0, permutation.length, dst);
    }

    // ---- Convolutional and residual networks. Activations are NCHW; every op takes its geometry as a value
    // ---- (what cuDNN's descriptors hold) and checks only tensor sizes, so a [batch, features] mini-batch can be
    // ---- read as [batch, channels, height, width] without a reshape. The CPU backend implements all of them; a
    // ---- backend that does not yet refuses with UnsupportedOperationException (the defaults below).

    private UnsupportedOperationException unsupported(String op) {
        return new UnsupportedOperationException("the " + name() + " backend does not implement " + op + " yet");
    }

    /** {@code y = conv(x, w) + bias}: x {@code [N,C,H,W]}, w {@code [K,C,R,R]}, y {@code [N,K,P,Q]}; bias {@code [K]} or null. */
    default void conv2d(Tensor x, Tensor w, Tensor bias, Tensor y, dev.lottery.nn.layers.ConvGeometry g) {
        throw unsupported("conv2d");
    }

    /** {@code dx = d conv / d x} applied to {@code dy} (overwrites dx). */
    default void conv2dBackwardData(Tensor dy, Tensor w, Tensor dx, dev.lottery.nn.layers.ConvGeometry g) {
        throw unsupported("conv2dBackwardData");
    }

    /** {@code dw = d conv / d w} applied to {@code dy} (overwrites dw) and, when non-null, {@code dbias[k] = sum dy[:,k,:,:]}. */
    default void conv2dBackwardFilter(Tensor x, Tensor dy, Tensor dw, Tensor dbias, dev.lottery.nn.layers.ConvGeometry g) {
        throw unsupported("conv2dBackwardFilter");
    }

    /** Max pooling {@code x [N,C,H,W] -> y [N,C,P,Q]}. */
    default void maxPool(Tensor x, Tensor y, dev.lottery.nn.layers.PoolGeometry g) {
        throw unsupported("maxPool");
    }

    /**
     * Routes {@code dy} to the first maximal input of every window (overwrites dx), from the forward's {@code x} and
     * {@code y} as cuDNN's pooling backward does.
     */
    default void maxPoolBackward(Tensor x, Tensor y, Tensor dy, Tensor dx, dev.lottery.nn.layers.PoolGeometry g) {
        throw unsupported("maxPoolBackward");
    }

    /**
     * Training-mode batch normalization per channel over batch and spatial positions:
     * {@code y = gamma * (x - mean) * invStd + beta} with the batch's mean and biased variance, {@code invStd =
     * 1/sqrt(var + epsilon)}; saves mean and invStd {@code [C]} for the backward pass and updates
     * {@code running = (1 - momentum) * running + momentum * batch} (the variance unbiased), like cuDNN.
     */
    default void batchNormTraining(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float momentum,
                           float epsilon, Tensor savedMean, Tensor savedInvStd, Tensor y, dev.lottery.nn.layers.ChannelGeometry g) {
        throw unsupported("batchNormTraining");
    }

    /** Evaluation-mode batch normalization with the running statistics. */
    default void batchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float epsilon,
                            Tensor y, dev.lottery.nn.layers.ChannelGeometry g) {
        throw unsupported("batchNormInference");
    }

    /** Gradients of {@link #batchNormTraining} (overwrites dx, dgamma, dbeta). */
    default void batchNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor savedMean, Tensor savedInvStd, Tensor dx,
                           Tensor dgamma, Tensor dbeta, dev.lottery.nn.layers.ChannelGeometry g) {
        throw unsupported("batchNormBackward");
    }

    /**
     * Fills an inverted-dropout mask: {@code mask[i] = rng.uniform(i) < rate ? 0 : 1 / (1 - rate)}. Element i depends
     * only on the stream's key and i, so a device kernel draws the same mask (see {@code KeyedRandom}).
     */
    default void dropoutMask(Tensor mask, dev.lottery.nn.rng.KeyedRandom rng, float rate) {
        throw unsupported("dropoutMask");
    }

    /** {@code y *= factors} element-wise, in place. */
    default void multiply(Tensor y, Tensor factors) {
        throw unsupported("multiply");
    }

    /** {@code y += x} element-wise, in place (residual connections, gradient sums). */
    default void add(Tensor y, Tensor x) {
        throw unsupported("add");
    }

    /** {@code y[n, c] = mean over spatial positions of x[n, c, :]}. */
    default void globalAvgPool(Tensor x, Tensor y, dev.lottery.nn.layers.ChannelGeometry g) {
        throw unsupported("globalAvgPool");
    }

    /** {@code dx[n, c, s] = dy[n, c] / spatial} (overwrites dx). */
    default void globalAvgPoolBackward(Tensor dy, Tensor dx, dev.lottery.nn.layers.ChannelGeometry g) {
        throw unsupported("globalAvgPoolBackward");
    }

    /**
     * Data augmentation of a gathered mini-batch {@code src [N, C, H, W]} into {@code dst} (another tensor): example n
     * is mirrored left-right when {@code flip[n]}, then shifted, with zeros where the source falls outside the image:
     * {@code dst[n,c,h,w] = src[n, c, h + shiftY[n], w' + shiftX[n]]}, {@code w' = flip[n] ? W-1-w : w}. Shifts in
     * [-4, 4] equal "pad by 4 and crop at random". The per-example draws are host-side, like a batch order.
     */
    default void shiftAndFlip(Tensor src, Tensor dst, int channels, int height, int width, int[] shiftY, int[] shiftX, boolean[] flip) {
        throw unsupported("shiftAndFlip");
    }

    // ---- Optional fast paths: the defaults are the plain ops; a backend overrides them where it can do better.

    /** {@code y = max(y + bias, 0)}: {@link #addBias} then {@link #relu}, fused into one pass where a backend can. */
    default void addBiasRelu(Tensor y, Tensor bias) {
        addBias(y, bias);
        relu(y);
    }

    /**
     * Fills {@code t} with {@code init}'s values for a tensor with these fans, drawn from {@code rng}: the same bits on
     * every backend. The default draws on the host and copies the values in; the CUDA backend draws on the device.
     */
    default void fillRandom(Tensor t, dev.lottery.nn.init.Initializer init, int fanIn, int fanOut, dev.lottery.nn.rng.KeyedRandom rng) {
        float[] values = new float[Math.toIntExact(t.size())];
        init.fill(values, fanIn, fanOut, rng);
        t.copyFrom(values);
    }

    /**
     * A new recorder the trainer runs one training run's iterations through (CUDA graphs on the GPU); the default
     * makes the plain calls. The caller closes it when the run ends.
     */
    default StepRecorder stepRecorder() {
        return StepRecorder.direct(this);
    }

    @Override
    void close();
}
