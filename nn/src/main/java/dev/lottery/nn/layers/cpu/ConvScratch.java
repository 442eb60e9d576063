package dev.lottery.nn.layers.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Grow-only off-heap work buffers for the CPU convolution (the im2col matrix and a re-ordered output block), one
 * set per thread. They come from automatic arenas: shareable with the GEMM crew, freed by the collector once a
 * thread and its buffers are gone, and after warm-up a training step allocates nothing.
 */
final class ConvScratch {
    private static final ThreadLocal<ConvScratch> PER_THREAD = ThreadLocal.withInitial(ConvScratch::new);

    private MemorySegment columns = MemorySegment.NULL;
    private MemorySegment block = MemorySegment.NULL;

    static ConvScratch get() {
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
}
