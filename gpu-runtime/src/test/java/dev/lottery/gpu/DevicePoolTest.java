package dev.lottery.gpu;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class DevicePoolTest {
    /** Hands out fake addresses and remembers what is outstanding, like a driver would. */
    static final class FakeAllocator implements DeviceAllocator {
        final java.util.Map<Long, Long> sizes = new java.util.HashMap<>();
        final Set<Long> outstanding = new HashSet<>();
        long next = 0x7000_0000_0000L;
        long capacity = Long.MAX_VALUE;
        long used;
        int allocations;

        @Override
        public long allocate(long bytes) {
            if (used + bytes > capacity) {
                throw new CudaException(CudaException.Api.DRIVER, "cuMemAlloc", 2, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory", null);
            }
            long a = next;
            next += bytes;
            used += bytes;
            outstanding.add(a);
            sizes.put(a, bytes);
            allocations++;
            return a;
        }

        @Override
        public void free(long address) {
            assertTrue(outstanding.remove(address), "double or foreign free of " + Long.toHexString(address));
            used -= sizes.remove(address);
        }
    }

    @Test
    void sizeClassesArePowersOfTwoThenTwoMebibyteSteps() {
        assertEquals(256, SizeClass.of(1));
        assertEquals(256, SizeClass.of(256));
        assertEquals(512, SizeClass.of(257));
        assertEquals(4096, SizeClass.of(4096));
        assertEquals(1 << 20, SizeClass.of((1 << 20) - 5));
        assertEquals(2 << 20, SizeClass.of((1 << 20) + 1));
        assertEquals(64L << 20, SizeClass.of(64L << 20));
        assertEquals(66L << 20, SizeClass.of((64L << 20) + 1));
        assertThrows(IllegalArgumentException.class, () -> SizeClass.of(0));
    }

    @Test
    void steadyStateTrainingStepsAllocateNothingFromTheDriver() {
        FakeAllocator fake = new FakeAllocator();
        try (DevicePool pool = new DevicePool(fake, new TransferCounters())) {
            long[] shapes = {784 * 300 * 4, 300 * 4, 300 * 100 * 4, 100 * 4, 100 * 10 * 4, 10 * 4, 60 * 4};
            for (int step = 0; step < 50; step++) {
                List<DeviceBuffer> activations = new ArrayList<>();
                for (long s : shapes) activations.add(pool.allocate(s));
                activations.forEach(DeviceBuffer::close);
            }
            DevicePool.Stats stats = pool.stats();
            assertEquals(shapes.length, stats.driverAllocations(), "only the first step reaches the driver");
            assertEquals(49L * shapes.length, stats.reuses());
            assertEquals(0, stats.bytesInUse());
            assertEquals(0, stats.liveBuffers());
            assertEquals(shapes.length, fake.outstanding.size(), "blocks are cached, not freed");
        }
        assertTrue(fake.outstanding.isEmpty(), "close returns every block");
    }

    @Test
    void aReusedBlockKeepsTheRequestedSizeAndAddress() {
        FakeAllocator fake = new FakeAllocator();
        try (DevicePool pool = new DevicePool(fake, new TransferCounters())) {
            DeviceBuffer a = pool.allocate(1000);
            long address = a.address();
            assertEquals(1000, a.byteSize());
            a.close();
            a.close(); // idempotent: must not put the block on the free list twice
            DeviceBuffer b = pool.allocate(900); // same class (1024)
            DeviceBuffer c = pool.allocate(1000);
            assertEquals(address, b.address());
            assertNotEquals(address, c.address(), "a block is never handed out twice");
            assertEquals(900, b.byteSize());
            assertThrows(IllegalStateException.class, a::address);
        }
    }

    @Test
    void closingThePoolFreesBuffersStillOpen() {
        FakeAllocator fake = new FakeAllocator();
        DevicePool pool = new DevicePool(fake, new TransferCounters());
        pool.allocate(10);
        DeviceBuffer kept = pool.allocate(5000);
        pool.close();
        assertTrue(fake.outstanding.isEmpty());
        kept.close(); // after the pool is gone: no double free
        assertTrue(fake.outstanding.isEmpty());
        assertThrows(IllegalStateException.class, () -> pool.allocate(1));
    }

    @Test
    void outOfMemoryTrimsTheCacheAndRetriesOnce() {
        FakeAllocator fake = new FakeAllocator();
        fake.capacity = 4 << 20;
        try (DevicePool pool = new DevicePool(fake, new TransferCounters())) {
            pool.allocate(3 << 20).close(); // 4 MiB class, cached
            try (DeviceBuffer other = pool.allocate(1 << 20)) { // a different class: needs the cached block's memory
                assertEquals(1 << 20, other.byteSize());
            }
            assertEquals(1, pool.stats().driverFrees());
            fake.capacity = 0;
            assertThrows(CudaException.class, () -> pool.allocate(8 << 20));
        }
    }
}
