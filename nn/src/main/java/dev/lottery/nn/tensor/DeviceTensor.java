package dev.lottery.nn.tensor;

import dev.lottery.gpu.DeviceBuffer;
import dev.lottery.gpu.Stream;
import dev.lottery.gpu.TransferPurpose;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * The CUDA backend's tensor: float32 in a {@link DeviceBuffer}, row-major with explicit shape and strides (in
 * elements), the same contract as {@link HostTensor}. All device work on it is queued on one {@link Stream} (the
 * backend's), so {@link #toArray()} and {@link #copyFrom(float[])} are ordered after everything queued before
 * them: they copy on that stream and wait for it. Those two are the only host/device copies of a tensor's values
 * and are counted in the pool's transfer counters under {@link #downloadPurpose()} (snapshots unless the backend
 * marks the tensor as a few-scalars accumulator) and {@link #uploadPurpose()}.
 */
public final class DeviceTensor implements Tensor {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;

    private final String name;
    private final int[] shape;
    private final long[] strides;
    private final long size;
    private final DeviceBuffer buffer;
    private final Stream stream;
    private volatile TransferPurpose uploadPurpose;
    private volatile TransferPurpose downloadPurpose = TransferPurpose.SNAPSHOT;

    /**
     * Wraps {@code buffer} (which the tensor then owns and closes) as a tensor of {@code shape}.
     *
     * @param name the tensor's name, for messages
     * @param shape the dimensions, each 0 or more; copied
     * @param buffer device memory of at least {@code 4 × product(shape)} bytes (see {@link #bytesFor}); a view
     *               from {@link DeviceBuffer#slice} makes a tensor whose {@link #close()} frees nothing
     * @param stream the stream every operation on the tensor is queued on; not owned, the backend closes it
     * @param uploadPurpose how {@link #copyFrom(float[])} is counted (data, weights, ...)
     * @throws IllegalArgumentException if {@code buffer} is too small for {@code shape}, or a dimension is negative
     */
    public DeviceTensor(String name, int[] shape, DeviceBuffer buffer, Stream stream, TransferPurpose uploadPurpose) {
        this.name = name;
        this.shape = shape.clone();
        this.strides = HostTensor.stridesOf(shape);
        this.size = HostTensor.sizeOf(shape);
        if (buffer.byteSize() < size * Float.BYTES) {
            throw new IllegalArgumentException(name + ": buffer of " + buffer.byteSize() + " B for " + size + " floats");
        }
        this.buffer = buffer;
        this.stream = stream;
        this.uploadPurpose = uploadPurpose;
    }

    /**
     * Bytes a buffer needs for {@code shape} (at least 4, so an empty tensor still has an address).
     *
     * @param shape the dimensions; none for a scalar
     * @return {@code 4 × product(shape)}, or 4 when that product is 0
     */
    public static long bytesFor(int... shape) {
        long s = 1;
        for (int d : shape) s *= d;
        return Math.max(1, s) * Float.BYTES;
    }

    @Override public String name() { return name; }
    @Override public int[] shape() { return shape.clone(); }
    @Override public int dim(int i) { return shape[i]; }
    @Override public int rank() { return shape.length; }
    @Override public long[] strides() { return strides.clone(); }
    @Override public long size() { return size; }

    /**
     * The device memory holding the values.
     *
     * @return the tensor's own buffer (not a copy); closed with the tensor, so callers must not close it
     */
    public DeviceBuffer buffer() { return buffer; }

    @Override
    public DeviceTensor slice(int index) {
        int[] entry = HostTensor.sliceShape(name, shape, index);
        long bytes = HostTensor.sizeOf(entry) * Float.BYTES;
        return new DeviceTensor(name + "[" + index + "]", entry, buffer.slice(index * bytes, bytes), stream, uploadPurpose);
    }

    /**
     * The device pointer of element 0.
     *
     * @return a CUDA device address, for kernel arguments; valid until the tensor is closed
     */
    public long address() { return buffer.address(); }

    /**
     * The stream that orders work on this tensor.
     *
     * @return the stream given at construction; kernels that touch the tensor must be queued on it
     */
    public Stream stream() { return stream; }

    /**
     * What uploads to this tensor are counted as.
     *
     * @return the purpose given at construction, or the one set by {@link #countTransfersAs}
     */
    public TransferPurpose uploadPurpose() { return uploadPurpose; }

    /**
     * What downloads from this tensor are counted as.
     *
     * @return {@link TransferPurpose#SNAPSHOT} unless {@link #countTransfersAs} set another
     */
    public TransferPurpose downloadPurpose() { return downloadPurpose; }

    /**
     * Counts later copies in both directions under {@code purpose}: the backend marks the loss/accuracy accumulator
     * {@link TransferPurpose#SCALARS} (read and cleared at every evaluation), so weight snapshots and scalar
     * traffic can be told apart.
     *
     * @param purpose the counter both directions use from now on; copies already made keep their counts
     */
    public void countTransfersAs(TransferPurpose purpose) {
        this.uploadPurpose = purpose;
        this.downloadPurpose = purpose;
    }

    @Override
    public float[] toArray() {
        float[] out = new float[Math.toIntExact(size)];
        if (size == 0) return out;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(size * Float.BYTES, 64);
            // Queued behind every kernel that writes this tensor; the wait makes the host copy complete.
            buffer.copyToHost(host, downloadPurpose, stream);
            stream.synchronize();
            MemorySegment.copy(host, F32, 0, out, 0, out.length);
        }
        return out;
    }

    @Override
    public void copyFrom(float[] values) {
        if (values.length != size) throw new IllegalArgumentException(name + ": size " + size + " != " + values.length);
        if (size == 0) return;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocateFrom(F32, values);
            buffer.copyFromHost(host, uploadPurpose, stream);
            // The staging memory is freed when the arena closes: wait until the driver no longer reads it.
            stream.synchronize();
        }
    }

    @Override
    public void close() {
        buffer.close();
    }

    @Override
    public String toString() {
        return "DeviceTensor[" + name + " " + Arrays.toString(shape) + "]";
    }
}
