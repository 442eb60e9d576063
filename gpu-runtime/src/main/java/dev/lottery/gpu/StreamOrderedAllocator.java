package dev.lottery.gpu;

import dev.lottery.bindings.cuda_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.lottery.gpu.CudaException.checkDriver;

/**
 * cuMemAllocAsync / cuMemFreeAsync on one stream, from the device's default memory pool, whose release
 * threshold is raised so freed memory stays with the pool instead of going back to the OS at every sync.
 * Allocation and free are ordered with the stream's work, so they are also legal inside graph capture.
 */
public final class StreamOrderedAllocator implements DeviceAllocator {
    private final Stream stream;

    /**
     * An allocator on {@code stream} whose pool keeps up to {@code releaseThresholdBytes} of freed memory. The
     * threshold is set on the device's default pool, so it holds for every user of that pool in the process.
     *
     * @param stream the stream allocations and frees are ordered on; it must outlive the allocator
     * @param releaseThresholdBytes the bytes of freed memory the pool may keep across synchronizations;
     *     {@code Long.MAX_VALUE} keeps all of it
     */
    public StreamOrderedAllocator(Stream stream, long releaseThresholdBytes) {
        this.stream = stream;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pool = arena.allocate(ValueLayout.ADDRESS);
            checkDriver(cuda_h.cuDeviceGetDefaultMemPool(pool, stream.context().ordinal()), "cuDeviceGetDefaultMemPool");
            MemorySegment threshold = arena.allocate(ValueLayout.JAVA_LONG);
            threshold.set(ValueLayout.JAVA_LONG, 0, releaseThresholdBytes);
            checkDriver(cuda_h.cuMemPoolSetAttribute(pool.get(ValueLayout.ADDRESS, 0), cuda_h.CU_MEMPOOL_ATTR_RELEASE_THRESHOLD(), threshold),
                    "cuMemPoolSetAttribute(RELEASE_THRESHOLD)");
        }
    }

    @Override
    public long allocate(long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_LONG);
            checkDriver(cuda_h.cuMemAllocAsync(out, bytes, stream.handle()), "cuMemAllocAsync(" + bytes + " bytes)");
            return out.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    @Override
    public void free(long address) {
        checkDriver(cuda_h.cuMemFreeAsync(address, stream.handle()), "cuMemFreeAsync");
    }
}
