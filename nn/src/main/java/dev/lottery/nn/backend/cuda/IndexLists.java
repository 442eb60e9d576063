package dev.lottery.nn.backend.cuda;

import dev.lottery.gpu.DeviceBuffer;
import dev.lottery.gpu.DevicePool;
import dev.lottery.gpu.Stream;
import dev.lottery.gpu.TransferPurpose;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;

/**
 * Device copies of the host index lists that {@code gatherRows}/{@code gather} receive, so a list is uploaded
 * once and not per mini-batch: the trainer passes the same {@code int[]} (the epoch's permutation) for every
 * batch of an epoch and the evaluator one identity list for all evaluations. Lists are recognised by identity
 * (the same array object); the two most recent stay resident, enough for training batches alternating with
 * evaluations. Callers must not change an array's contents after passing it (the trainer and evaluator make
 * a new array instead).
 */
final class IndexLists implements AutoCloseable {
    private final DevicePool pool;
    private final Stream stream;
    private final int[][] arrays = new int[2][];
    private final DeviceBuffer[] buffers = new DeviceBuffer[2];
    private long uploads;

    IndexLists(DevicePool pool, Stream stream) {
        this.pool = pool;
        this.stream = stream;
    }

    /** The device address of {@code order}'s copy, uploading it if it is not one of the two resident lists. */
    long address(int[] order) {
        for (int s = 0; s < 2; s++) {
            if (arrays[s] == order) {
                if (s == 1) swap(); // most recent first
                return buffers[0].address();
            }
        }
        // Evict the older slot; the pool hands its block out again only in stream order, after the gathers queued
        // before that still read it.
        if (buffers[1] != null) buffers[1].close();
        arrays[1] = arrays[0];
        buffers[1] = buffers[0];
        buffers[0] = upload(order);
        arrays[0] = order;
        return buffers[0].address();
    }

    /** Lists uploaded so far (a test checks it is one per epoch, not one per batch). */
    long uploads() {
        return uploads;
    }

    private DeviceBuffer upload(int[] order) {
        DeviceBuffer b = pool.allocate(Math.max(1, order.length) * (long) Integer.BYTES);
        if (order.length > 0) {
            try (Arena arena = Arena.ofConfined()) {
                b.copyFromHost(arena.allocateFrom(ValueLayout.JAVA_INT, order), TransferPurpose.DATA, stream);
                // The arena's memory is freed on close: wait for the copy. Once per epoch, so the pipeline
                // drains at most at an epoch boundary besides the evaluations.
                stream.synchronize();
            }
        }
        uploads++;
        return b;
    }

    private void swap() {
        int[] a = arrays[0];
        arrays[0] = arrays[1];
        arrays[1] = a;
        DeviceBuffer b = buffers[0];
        buffers[0] = buffers[1];
        buffers[1] = b;
    }

    @Override
    public void close() {
        for (DeviceBuffer b : buffers) if (b != null) b.close();
    }

}
