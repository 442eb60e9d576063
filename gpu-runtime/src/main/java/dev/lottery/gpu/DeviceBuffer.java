package dev.lottery.gpu;

import dev.lottery.bindings.cuda_h;

import java.lang.foreign.MemorySegment;

import static dev.lottery.gpu.CudaException.checkDriver;

/**
 * Device memory owned by one {@link DevicePool}; {@link #close()} hands the block back to the pool. Copies to
 * and from the host are counted in the pool's {@link TransferCounters} by {@link TransferPurpose}.
 *
 * <p>Host segments must be native (off-heap) memory: the driver cannot see the Java heap. Copies with a
 * stream are asynchronous and the host memory must stay alive and unchanged until the stream is synchronised;
 * copies without a stream return when done.
 */
public final class DeviceBuffer implements AutoCloseable {
    private final DevicePool pool;
    private final long address;
    private final long byteSize;
    private final long blockBytes;
    /** A view into another buffer's memory: closing it returns nothing to the pool. */
    private final boolean view;
    private boolean closed;

    DeviceBuffer(DevicePool pool, long address, long byteSize, long blockBytes) {
        this.pool = pool;
        this.address = address;
        this.byteSize = byteSize;
        this.blockBytes = blockBytes;
        this.view = false;
    }

    private DeviceBuffer(DeviceBuffer parent, long offset, long byteSize) {
        this.pool = parent.pool;
        this.address = parent.address() + offset;
        this.byteSize = byteSize;
        this.blockBytes = 0;
        this.view = true;
    }

    /**
     * {@code byteSize} bytes of this buffer from {@code offset}, as a buffer that shares its memory (e.g. one member's
     * slice of a population's stacked weights). The view must not outlive this buffer; closing it frees nothing.
     *
     * @param offset the first byte of the view, from this buffer's start, at least 0
     * @param byteSize the view's size in bytes, at least 0; {@code offset + byteSize} at most this buffer's size
     * @return a view sharing this buffer's memory and transfer counters
     * @throws IndexOutOfBoundsException if the range does not lie inside this buffer
     */
    public DeviceBuffer slice(long offset, long byteSize) {
        if (offset < 0 || byteSize < 0 || offset + byteSize > this.byteSize) {
            throw new IndexOutOfBoundsException("slice of " + byteSize + " B at " + offset + " of a " + this.byteSize + " B buffer");
        }
        return new DeviceBuffer(this, offset, byteSize);
    }

    /**
     * The device pointer.
     *
     * @return the {@code CUdeviceptr} of the buffer's first byte, for kernel arguments and the bindings
     * @throws IllegalStateException if the buffer is closed (its memory may belong to another buffer by now)
     */
    public long address() {
        if (closed) throw new IllegalStateException("buffer closed");
        return address;
    }

    /**
     * The size in bytes.
     *
     * @return the bytes asked for, which may be fewer than the pooled block holds
     */
    public long byteSize() { return byteSize; }

    long blockBytes() { return blockBytes; }

    /** The address even after close, for the pool's bookkeeping. */
    long blockAddress() { return address; }

    /**
     * Copies {@code host} into this buffer on {@code stream}, counted as {@code purpose}.
     *
     * @param host native memory, all of which is copied to the start of the buffer; at most the buffer's size
     * @param purpose what the copy is for, in the transfer counters
     * @param stream the stream to queue the copy on, or null to copy now and return when it is done
     * @throws IllegalArgumentException if {@code host} is on the Java heap or larger than the buffer
     */
    public void copyFromHost(MemorySegment host, TransferPurpose purpose, Stream stream) {
        long n = checkHost(host);
        if (stream == null) checkDriver(cuda_h.cuMemcpyHtoD_v2(address(), host, n), "cuMemcpyHtoD");
        else checkDriver(cuda_h.cuMemcpyHtoDAsync_v2(address(), host, n, stream.handle()), "cuMemcpyHtoDAsync");
        pool.transfers().record(TransferDirection.HOST_TO_DEVICE, purpose, n);
    }

    /**
     * Copies this buffer into {@code host} on {@code stream}, counted as {@code purpose}.
     *
     * @param host native memory to fill; its size is the number of bytes copied from the start of the buffer
     * @param purpose what the copy is for, in the transfer counters
     * @param stream the stream to queue the copy on (read {@code host} only after synchronizing it), or null to
     *     copy now and return when it is done
     * @throws IllegalArgumentException if {@code host} is on the Java heap or larger than the buffer
     */
    public void copyToHost(MemorySegment host, TransferPurpose purpose, Stream stream) {
        long n = checkHost(host);
        if (stream == null) checkDriver(cuda_h.cuMemcpyDtoH_v2(host, address(), n), "cuMemcpyDtoH");
        else checkDriver(cuda_h.cuMemcpyDtoHAsync_v2(host, address(), n, stream.handle()), "cuMemcpyDtoHAsync");
        pool.transfers().record(TransferDirection.DEVICE_TO_HOST, purpose, n);
    }

    /**
     * Copies all of {@code source} (which must not be larger) into the start of this buffer. Device-to-device
     * copies are not counted as transfers.
     *
     * @param source the buffer to read, on the same device; it must not overlap this one
     * @param stream the stream to queue the copy on, or null to copy now
     * @throws IllegalArgumentException if {@code source} is larger than this buffer
     */
    public void copyFromDevice(DeviceBuffer source, Stream stream) {
        if (source.byteSize() > byteSize) throw new IllegalArgumentException("source " + source.byteSize() + " B > destination " + byteSize + " B");
        if (stream == null) checkDriver(cuda_h.cuMemcpyDtoD_v2(address(), source.address(), source.byteSize()), "cuMemcpyDtoD");
        else checkDriver(cuda_h.cuMemcpyDtoDAsync_v2(address(), source.address(), source.byteSize(), stream.handle()), "cuMemcpyDtoDAsync");
    }

    /**
     * Sets every byte to {@code value}.
     *
     * @param value the byte written everywhere (0 clears floats and ints to zero)
     * @param stream the stream to queue the fill on, or null to fill now
     */
    public void fillBytes(byte value, Stream stream) {
        if (stream == null) checkDriver(cuda_h.cuMemsetD8_v2(address(), value, byteSize), "cuMemsetD8");
        else checkDriver(cuda_h.cuMemsetD8Async(address(), value, byteSize, stream.handle()), "cuMemsetD8Async");
    }

    /**
     * Sets every 32-bit word to {@code bits} (use Float.floatToRawIntBits for floats). Size must be a multiple of 4.
     *
     * @param bits the word written everywhere
     * @param stream the stream to queue the fill on, or null to fill now
     * @throws IllegalArgumentException if the size is not a multiple of 4 bytes
     */
    public void fillInts(int bits, Stream stream) {
        if (byteSize % 4 != 0) throw new IllegalArgumentException("size " + byteSize + " is not a multiple of 4");
        if (stream == null) checkDriver(cuda_h.cuMemsetD32_v2(address(), bits, byteSize / 4), "cuMemsetD32");
        else checkDriver(cuda_h.cuMemsetD32Async(address(), bits, byteSize / 4, stream.handle()), "cuMemsetD32Async");
    }

    private long checkHost(MemorySegment host) {
        if (!host.isNative()) throw new IllegalArgumentException("host segment must be native (off-heap) memory");
        if (host.byteSize() > byteSize) throw new IllegalArgumentException("host segment " + host.byteSize() + " B > buffer " + byteSize + " B");
        return host.byteSize();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (!view) pool.release(this);
    }
}
