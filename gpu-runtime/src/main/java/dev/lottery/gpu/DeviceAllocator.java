package dev.lottery.gpu;

/**
 * Where device memory comes from: the driver ({@link DriverAllocator}), the driver's stream-ordered pool
 * ({@link StreamOrderedAllocator}), or in tests a fake. Addresses are device pointers ({@code CUdeviceptr}).
 */
public interface DeviceAllocator {
    /** A block of at least {@code bytes} bytes of device memory; its address. */
    long allocate(long bytes);

    /** Gives back the block at {@code address}. */
    void free(long address);
}
