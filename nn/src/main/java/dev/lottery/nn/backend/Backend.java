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
 * <p>The operations come in four groups, each readable on its own: {@link DenseOps} (products, element-wise
 * arithmetic, loss, optimizer), {@link ConvolutionOps} (convolution, pooling, batch normalization),
 * {@link PruningOps} (masks, magnitude pruning, initial draws) and {@link DataOps} (mini-batches and augmentation).
 * Every backend implements every operation; the conformance suite in the tests runs one set of checks against each.
 *
 * <p>Conventions: tensors are row-major; 2-D tensors are {@code [rows, cols]}; class labels are stored in float
 * tensors as exact small integers (exact below 2^24), so the data set can be resident on a device as one kind of
 * buffer. Ops do not allocate on the hot path.
 *
 * <p><b>Populations.</b> A network of a population of {@code N} members (same architecture, own weights) keeps
 * its members side by side along the feature (or channel) axis: activations are {@code [batch, N*features]}, NCHW
 * activations {@code [batch, N*channels, height, width]}, and each parameter is stacked {@code [N, ...]}. Element-wise
 * ops, biases ({@code [N*features]}), pooling and batch normalization (per channel) therefore need no notion of
 * members at all; products take a {@link MatrixBatch} per operand, convolutions a group count, and the loss the
 * number of members. A single network is the population of one, with exactly the layout it has always had.
 */
public interface Backend extends DenseOps, ConvolutionOps, PruningOps, DataOps, AutoCloseable {
    /** {@return the short name, {@code cpu} or {@code cuda}, as {@code --device} accepts it} */
    String name();

    /** {@return one line for logs: what runs and why (lanes, threads, device name, ...)} */
    String description();

    /**
     * Which kernels compute results, named so that two backends with the same name give the same bits for the same
     * settings (the CPU at any vector width or thread count) and any change that moves a result's bits changes the
     * name. An experiment's results record it, so its units are never computed by a mix of kernels.
     *
     * @return the kernel generation's name, stable across runs of the same build and settings
     */
    String kernelGeneration();

    /**
     * A new zero-filled tensor owned by the caller.
     *
     * @param name  shown in messages and file names; need not be unique
     * @param shape the size of each dimension, each at least 0
     * @return a tensor in this backend's memory, which the caller closes
     */
    Tensor zeros(String name, int... shape);

    /**
     * A new tensor holding {@code values} (an upload on a device).
     *
     * @param name   shown in messages and file names; need not be unique
     * @param values row-major values, as many as the shape holds; copied, so the caller may reuse the array
     * @param shape  the size of each dimension
     * @return a tensor in this backend's memory, which the caller closes
     * @throws IllegalArgumentException if the number of values does not match the shape
     */
    Tensor upload(String name, float[] values, int... shape);

    /**
     * Bytes new tensors can still take now: free device memory on a GPU, available physical memory on the CPU. Used to
     * size populations; an estimate, not a promise.
     *
     * @return bytes, at least 0; it may change between calls as other processes allocate
     */
    long availableMemory();

    /**
     * A tensor holding the float32 {@code values} of {@code shape}, which the caller hands over with the arena that
     * owns them: a backend that computes in host memory uses them as they are (a memory-mapped data set becomes
     * resident without a copy) and closes the arena with the tensor; others copy them and close the arena at once.
     *
     * @param name   shown in messages and file names
     * @param values little-endian float32 values in row-major order, as many as the shape holds, owned by
     *               {@code owner}
     * @param owner  the arena that owns {@code values}; the backend takes it over and closes it, so the caller must
     *               not use or close it afterwards
     * @param shape  the size of each dimension
     * @return a tensor in this backend's memory, which the caller closes
     */
    default Tensor adopt(String name, MemorySegment values, Arena owner, int... shape) {
        try (owner) {
            return upload(name, values.toArray(ValueLayout.JAVA_FLOAT), shape);
        }
    }

    /**
     * {@code dst <- src} for tensors of equal size on this backend; shapes may differ.
     *
     * @param src the values to copy, read only
     * @param dst overwritten with the values of {@code src}; must not overlap it
     */
    void copy(Tensor src, Tensor dst);

    /**
     * {@link #conv2d} followed by {@link #relu} on y. A backend that applies the ReLU while it writes y (the CPU's
     * convolution kernels) saves a pass over the activations; the result is the same either way.
     *
     * @param x    input {@code [N,C,H,W]}, read only
     * @param w    filters {@code [K,C/G,R,R]}, read only
     * @param bias null for none, otherwise {@code [K]}, read only
     * @param y    output {@code [N,K,P,Q]}, overwritten with {@code max(conv(x, w) + bias, 0)}
     * @param g    the convolution's geometry
     */
    default void conv2dRelu(Tensor x, Tensor w, Tensor bias, Tensor y, ConvGeometry g) {
        conv2d(x, w, bias, y, g);
        relu(y);
    }

    /**
     * {@link #batchNormTraining} followed by {@link #relu} on y. A backend that applies the ReLU while it writes y (the
     * CPU's) saves a pass over the activations; the result is the same either way.
     *
     * @param x           input {@code [N,C,spatial]}, read only
     * @param gamma       scale {@code [C]}, read only
     * @param beta        shift {@code [C]}, read only
     * @param runningMean running mean {@code [C]} used at evaluation, updated in place
     * @param runningVar  running (unbiased) variance {@code [C]} used at evaluation, updated in place
     * @param momentum    weight of this batch's statistics in the running ones, in {@code [0, 1]}
     * @param epsilon     added to the variance before the square root, positive
     * @param savedMean   output {@code [C]}: this batch's mean, for {@link #batchNormBackward}
     * @param savedInvStd output {@code [C]}: this batch's {@code 1/sqrt(var + epsilon)}, for
     *                    {@link #batchNormBackward}
     * @param y           output, the same shape as {@code x}, overwritten with
     *                    {@code max(gamma * (x - mean) * invStd + beta, 0)}
     * @param g           batch, channels and spatial size of {@code x}
     */
    default void batchNormReluTraining(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float momentum,
                                       float epsilon, Tensor savedMean, Tensor savedInvStd, Tensor y, ChannelGeometry g) {
        batchNormTraining(x, gamma, beta, runningMean, runningVar, momentum, epsilon, savedMean, savedInvStd, y, g);
        relu(y);
    }

    /**
     * {@link #batchNormInference} followed by {@link #relu} on y, fused where a backend can; the same result either way.
     *
     * @param x           input {@code [N,C,spatial]}, read only
     * @param gamma       scale {@code [C]}, read only
     * @param beta        shift {@code [C]}, read only
     * @param runningMean running mean {@code [C]} from training, read only
     * @param runningVar  running variance {@code [C]} from training, read only
     * @param epsilon     added to the variance before the square root, as in training
     * @param y           output, the same shape as {@code x}, overwritten with the normalization's ReLU
     * @param g           batch, channels and spatial size of {@code x}
     */
    default void batchNormReluInference(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float epsilon,
                                        Tensor y, ChannelGeometry g) {
        batchNormInference(x, gamma, beta, runningMean, runningVar, epsilon, y, g);
        relu(y);
    }

    /**
     * {@code y = max(a + b, 0)} element-wise (a residual block's output: its branch plus its shortcut, then the ReLU),
     * in one pass where a backend can; the same result as {@link #copy}, {@link #add} and {@link #relu} in turn.
     *
     * @param a values, read only
     * @param b the same number of values, read only
     * @param y the same number of values, overwritten; must not overlap a or b
     */
    default void addRelu(Tensor a, Tensor b, Tensor y) {
        copy(a, y);
        add(y, b);
        relu(y);
    }

    /**
     * A new recorder for one training run's iterations (CUDA graphs on the GPU, plain calls on the CPU). The caller
     * closes it when the run ends.
     *
     * @return a recorder bound to this backend, owned by the caller, used from one thread
     */
    StepRecorder stepRecorder();

    @Override
    void close();
}
