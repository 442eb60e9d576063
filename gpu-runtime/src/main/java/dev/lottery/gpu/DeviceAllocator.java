package dev.lottery.gpu;

/**
 * Where device memory comes from: the driver ({@link DriverAllocator}), the driver's stream-ordered pool
 * ({@link StreamOrderedAllocator}), or in tests a fake. Addresses are device pointers ({@code CUdeviceptr}).
 */
public interface DeviceAllocator {
    long allocate(long bytes);

    void free(long address);
}
