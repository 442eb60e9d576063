package dev.lottery.nn.backend.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Grow-only work buffers for the CPU convolution and pooling, one set per thread: off-heap ones (the im2col matrix,
 * a re-ordered output block, filter-gradient partial sums) from automatic arenas, so the GEMM crew can read them
 * and the collector frees them with their thread; and heap arrays where short loops stage their data. After warm-up
 * a training step allocates nothing.
 */
final class LayerScratch {
    private static final ThreadLocal<LayerScratch> PER_THREAD = ThreadLocal.withInitial(LayerScratch::new);

    private MemorySegment columns = MemorySegment.NULL;
    private MemorySegment block = MemorySegment.NULL;
    private MemorySegment partials = MemorySegment.NULL;
    private float[] images = new float[0];
    private float[] padded = new float[0];
    private float[] row = new float[0];

    static LayerScratch get() {
        return PER_THREAD.get();
    }

    MemorySegment columns(long floats) {
        if (columns.byteSize() < floats * Float.BYTES) columns = Arena.ofAuto().allocate(floats * Float.BYTES, 64);
        return columns;
    }

    MemorySegment block(long floats) {
        if (block.byteSize() < floats * Float.BYTES) block = Arena.ofAuto().allocate(floats * Float.BYTES, 64);
        return block;
    }

    /** A group of input images (or input gradients, or pooling inputs) staged on the heap. */
    float[] images(int floats) {
        if (images.length < floats) images = new float[floats];
        return images;
    }

    /** The same images inside their zero border (pooling: the input gradient). */
    float[] padded(int floats) {
        if (padded.length < floats) padded = new float[floats];
        return padded;
    }

    /** One row of the columns matrix, built on the heap and written with one bulk copy (pooling: the outputs). */
    float[] row(int floats) {
        if (row.length < floats) row = new float[floats];
        return row;
    }

    /** Per-chunk filter-gradient sums, written by the crew's threads and added up by the caller. */
    MemorySegment partials(long floats) {
        if (partials.byteSize() < floats * Float.BYTES) partials = Arena.ofAuto().allocate(floats * Float.BYTES, 64);
        return partials;
    }
}
