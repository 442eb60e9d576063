package dev.lottery.nn.tensor;

/**
 * A float32 tensor owned by one backend: row-major, shape and strides (in elements) explicit.
 * {@link HostTensor} lives in off-heap memory for the CPU backend; the CUDA backend's tensor keeps the same
 * contract over device memory. Moving values between the host and a tensor is explicit ({@link #toArray()},
 * {@link #copyFrom(float[])}): those are the only weight copies, used for snapshots and tests.
 */
public sealed interface Tensor extends AutoCloseable permits HostTensor, DeviceTensor {
    /** The name given when the tensor was made (in messages and files). */
    String name();

    /** The size of each dimension (a copy). */
    int[] shape();

    /** The size of dimension {@code i}. */
    int dim(int i);

    /** The number of dimensions. */
    int rank();

    /** Elements between neighbours along each dimension (row-major). */
    long[] strides();

    /** The number of elements. */
    long size();

    /**
     * Entry {@code index} along dimension 0, as a tensor of shape {@code shape[1..]} that shares this tensor's memory
     * (e.g. one member's slice of a population's stacked parameter). A slice must not outlive its tensor; closing it
     * frees nothing.
     */
    Tensor slice(int index);

    /** Copies all values to a new heap array (a snapshot; on a device this is a device-to-host copy). */
    float[] toArray();

    /** Overwrites all values from {@code values} (length must equal {@link #size()}). */
    void copyFrom(float[] values);

    @Override
    void close();
}
