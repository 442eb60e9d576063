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
    /** Short name: {@code cpu} or {@code cuda}. */
    String name();

    /** One line for logs: what runs and why (lanes, threads, device name, ...). */
    String description();

    /**
     * Which kernels compute results, named so that two backends with the same name give the same bits for the same
     * settings (the CPU at any vector width or thread count) and any change that moves a result's bits changes the
     * name. An experiment's results record it, so its units are never computed by a mix of kernels.
     */
    String kernelGeneration();

    /** A new zero-filled tensor owned by the caller. */
    Tensor zeros(String name, int... shape);

    /** A new tensor holding {@code values} (an upload on a device). */
    Tensor upload(String name, float[] values, int... shape);

    /**
     * Bytes new tensors can still take now: free device memory on a GPU, available physical memory on the CPU. Used to
     * size populations; an estimate, not a promise.
     */
    long availableMemory();

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

    /**
     * {@link #conv2d} followed by {@link #relu} on y. A backend that applies the ReLU while it writes y (the CPU's
     * convolution kernels) saves a pass over the activations; the result is the same either way.
     */
    default void conv2dRelu(Tensor x, Tensor w, Tensor bias, Tensor y, ConvGeometry g) {
        conv2d(x, w, bias, y, g);
        relu(y);
    }

    /**
     * A new recorder for one training run's iterations (CUDA graphs on the GPU, plain calls on the CPU). The caller
     * closes it when the run ends.
     */
    StepRecorder stepRecorder();

    @Override
    void close();
}
