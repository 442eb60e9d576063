package dev.lottery.gpu;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.Collections;

/**
 * A caching allocator: a closed {@link DeviceBuffer} goes back to a free list for its {@link SizeClass}
 * and the next request of that class gets it again, so a training loop that allocates the same shapes every
 * step stops calling the driver after its first step (watch {@link Stats#driverAllocations()}).
 *
 * <p>Reuse is safe in stream order: a block freed after work was queued on a stream, then handed out and used
 * on the same stream, is only touched after that work. Buffers shared between streams need an {@link Event}
 * between them before release. {@link #close()} returns every block to the allocator, including ones
 * still held by open buffers (which then become unusable).
 */
public final class DevicePool implements AutoCloseable {
    private final DeviceAllocator allocator;
    private final TransferCounters transfers;
    private final Map<Long, ArrayDeque<Long>> free = new HashMap<>();
    private final Set<DeviceBuffer> live = Collections.newSetFromMap(new IdentityHashMap<>());
    private long driverAllocations;
    private long driverFrees;
    private long reuses;
    private long bytesReserved;
    private long bytesInUse;
    private boolean closed;

    /**
     * A pool over {@code allocator}, counting transfers in {@code transfers}.
     *
     * @param allocator where blocks come from and go back to on {@link #trim()} and {@link #close()}; the pool does
     *     not close it
     * @param transfers the counters its buffers' host copies are added to, possibly shared with other pools
     */
    public DevicePool(DeviceAllocator allocator, TransferCounters transfers) {
        this.allocator = allocator;
        this.transfers = transfers;
    }

    /**
     * A pool over cuMemAlloc in {@code context}, counting transfers in the context's counters.
     *
     * @param context the context, current on the threads that allocate; it must outlive the pool
     * @return a new pool, owned by the caller, who closes it before the context
     */
    public static DevicePool forContext(CudaContext context) {
        return new DevicePool(new DriverAllocator(), context.transfers());
    }

    /**
     * The counters of its buffers' transfers.
     *
     * @return the counters given at construction, shared
     */
    public TransferCounters transfers() { return transfers; }

    /**
     * A buffer of exactly {@code bytes} usable bytes (its block may be larger). Its contents are undefined: a reused
     * block holds whatever its last buffer left. Safe to call from any thread.
     *
     * @param bytes the size, at least 1
     * @return a buffer owned by the caller; closing it returns the block to this pool
     * @throws IllegalArgumentException if {@code bytes} is not positive
     * @throws IllegalStateException if the pool is closed
     * @throws CudaException if the device is out of memory even after the cached blocks were freed
     */
    public synchronized DeviceBuffer allocate(long bytes) {
        if (closed) throw new IllegalStateException("pool closed");
        long cls = SizeClass.of(bytes);
        ArrayDeque<Long> list = free.get(cls);
        long address;
        if (list != null && !list.isEmpty()) {
            address = list.pop();
            reuses++;
        } else {
            address = allocateFromDriver(cls);
        }
        bytesInUse += cls;
        DeviceBuffer buffer = new DeviceBuffer(this, address, bytes, cls);
        live.add(buffer);
        return buffer;
    }

    private long allocateFromDriver(long cls) {
        long address;
        try {
            address = allocator.allocate(cls);
        } catch (CudaException e) {
            // Out of memory with blocks cached: give them back and try once more before failing.
            if (bytesReserved - bytesInUse == 0) throw e;
            trim();
            address = allocator.allocate(cls);
        }
        driverAllocations++;
        bytesReserved += cls;
        return address;
    }

    synchronized void release(DeviceBuffer buffer) {
        if (!live.remove(buffer)) return; // pool was closed, or released twice
        bytesInUse -= buffer.blockBytes();
        free.computeIfAbsent(buffer.blockBytes(), k -> new ArrayDeque<>()).push(buffer.blockAddress());
    }

    /** Frees every cached (unused) block back to the allocator. */
    public synchronized void trim() {
        for (var e : free.entrySet()) {
            for (long address : e.getValue()) {
                allocator.free(address);
                driverFrees++;
                bytesReserved -= e.getKey();
            }
        }
        free.clear();
    }

    /**
     * What the pool has done so far and holds now.
     *
     * @return a consistent snapshot of the counters
     */
    public synchronized Stats stats() {
        return new Stats(driverAllocations, driverFrees, reuses, bytesReserved, bytesInUse, live.size());
    }

    /**
     * What the pool has done so far.
     *
     * @param driverAllocations blocks obtained from the allocator so far
     * @param driverFrees blocks given back to it
     * @param reuses requests served from a free list
     * @param bytesReserved bytes held from the allocator now (in use + cached)
     * @param bytesInUse bytes in blocks held by open buffers
     * @param liveBuffers open buffers
     */
    public record Stats(long driverAllocations, long driverFrees, long reuses, long bytesReserved, long bytesInUse, int liveBuffers) {}

    @Override
    public synchronized void close() {
        if (closed) return;
        trim();
        for (DeviceBuffer b : live) {
            allocator.free(b.blockAddress());
            driverFrees++;
            bytesReserved -= b.blockBytes();
        }
        live.clear();
        bytesInUse = 0;
        closed = true;
    }
}
