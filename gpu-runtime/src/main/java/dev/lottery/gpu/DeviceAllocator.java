package dev.lottery.gpu;

/**
 * Where device memory comes from: the driver ({@link DriverAllocator}), the driver's stream-ordered pool
 * ({@link StreamOrderedAllocator}), or in tests a fake. Addresses are device pointers ({@code CUdeviceptr}).
 */
public interface DeviceAllocator {
    /**
     * A block of at least {@code bytes} bytes of device memory; its address.
     *
     * @param bytes the size, at least 1 (the pool asks for whole size classes)
     * @return the block's device pointer ({@code CUdeviceptr}), owned by the caller until {@link #free}
     * @throws CudaException if the memory cannot be had, e.g. {@code CUDA_ERROR_OUT_OF_MEMORY}
     */
    long allocate(long bytes);

    /**
     * Gives back the block at {@code address}.
     *
     * @param address a pointer this allocator returned and has not been given back yet
     */
    void free(long address);
}
