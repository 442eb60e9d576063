package dev.lottery.nn.tensor;

/**
 * A float32 tensor owned by one backend: row-major, shape and strides (in elements) explicit.
 * {@link HostTensor} lives in off-heap memory for the CPU backend; the CUDA backend's tensor keeps the same
 * contract over device memory. Moving values between the host and a tensor is explicit ({@link #toArray()},
 * {@link #copyFrom(float[])}): those are the only weight copies, used for snapshots and tests.
 */
public sealed interface Tensor extends AutoCloseable permits HostTensor, DeviceTensor {
    /**
     * The name given when the tensor was made (in messages and files).
     *
     * @return the name; a slice's name is its tensor's name followed by {@code [index]}
     */
    String name();

    /**
     * The size of each dimension.
     *
     * @return a fresh copy of the shape, outermost dimension first; empty for a scalar
     */
    int[] shape();

    /**
     * The size of dimension {@code i}.
     *
     * @param i the dimension, 0 (outermost) to {@code rank() - 1}
     * @return the number of entries along that dimension, 0 or more
     * @throws ArrayIndexOutOfBoundsException if {@code i} is not a dimension of this tensor
     */
    int dim(int i);

    /**
     * The number of dimensions.
     *
     * @return the length of {@link #shape()}; 0 for a scalar
     */
    int rank();

    /**
     * Elements between neighbours along each dimension (row-major).
     *
     * @return a fresh array, one stride per dimension in elements (not bytes); the last one is 1
     */
    long[] strides();

    /**
     * The number of elements.
     *
     * @return the product of the shape: 1 for a scalar, 0 if any dimension is 0
     */
    long size();

    /**
     * Entry {@code index} along dimension 0, as a tensor of shape {@code shape[1..]} that shares this tensor's memory
     * (e.g. one member's slice of a population's stacked parameter). A slice must not outlive its tensor; closing it
     * frees nothing.
     *
     * @param index the entry along dimension 0, from 0 to {@code dim(0) - 1}
     * @return a view of rank {@code rank() - 1} named {@code name[index]}; writes through it change this tensor
     * @throws IndexOutOfBoundsException if the tensor is a scalar or {@code index} is out of range
     */
    Tensor slice(int index);

    /**
     * Copies all values to a new heap array (a snapshot; on a device this is a device-to-host copy).
     *
     * @return a fresh array of {@link #size()} values in row-major order; later changes to the tensor do not show
     */
    float[] toArray();

    /**
     * Overwrites all values from {@code values} (length must equal {@link #size()}).
     *
     * @param values the new values in row-major order; copied, so the caller may reuse the array
     * @throws IllegalArgumentException if the length differs from {@link #size()}
     */
    void copyFrom(float[] values);

    @Override
    void close();
}
