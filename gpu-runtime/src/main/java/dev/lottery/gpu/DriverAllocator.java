package dev.lottery.gpu;

import dev.lottery.bindings.cuda_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.lottery.gpu.CudaException.checkDriver;

/** cuMemAlloc / cuMemFree in the current context. Synchronous with respect to the device. */
public final class DriverAllocator implements DeviceAllocator {
    /** An allocator for the context current on the calling thread. */
    public DriverAllocator() {}

    @Override
    public long allocate(long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_LONG);
            checkDriver(cuda_h.cuMemAlloc_v2(out, bytes), "cuMemAlloc(" + bytes + " bytes)");
            return out.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    @Override
    public void free(long address) {
        checkDriver(cuda_h.cuMemFree_v2(address), "cuMemFree");
    }
}
