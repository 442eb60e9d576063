package dev.lottery.nn.backend.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

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
    private final double[] biasSums = new double[BiasSums.CHAINS];
    private float[] images = new float[0];
    private float[] padded = new float[0];
    private float[] row = new float[0];
    private float[] frames = new float[0];
    private float[] outputFrames = new float[0];
    private float[] gradientFrames = new float[0];
    private float[] compact = new float[0];
    private float[] filters = new float[0];
    private float[] lanes = new float[0];
    private float[] stepWeights = new float[0];
    private int[] stepOffsets = new int[0];
    private int[] tileStarts = new int[0];
    private float[] transformedInputs = new float[0];
    private float[] transformedOutputs = new float[0];
    private float[] transformedGradients = new float[0];
    private float[] registers = new float[0];

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

    /** Padded input frames of the direct convolution ({@link ConvFrame}): one image, or a filter-gradient chunk's. */
    float[] frames(int floats) {
        if (frames.length < floats) frames = new float[floats];
        return frames;
    }

    /** The direct convolution's outputs in frame layout, a tile's worth of planes rounded up. */
    float[] outputFrames(int floats) {
        if (outputFrames.length < floats) outputFrames = new float[floats];
        return outputFrames;
    }

    /** A filter-gradient chunk's output gradients in frame layout. */
    float[] gradientFrames(int floats) {
        if (gradientFrames.length < floats) gradientFrames = new float[floats];
        return gradientFrames;
    }

    /** Outputs without the frame's border, gathered for one bulk copy. */
    float[] compact(int floats) {
        if (compact.length < floats) compact = new float[floats];
        return compact;
    }

    /** One group's filters (or a chunk's filter gradient) on the heap. */
    float[] filters(int floats) {
        if (filters.length < floats) filters = new float[floats];
        return filters;
    }

    /** The vector accumulators of one filter-gradient tile, before their lanes are added. */
    float[] lanes(int floats) {
        if (lanes.length < floats) lanes = new float[floats];
        return lanes;
    }

    /** Packed filter weights of the direct convolution, {@code MR} per step. */
    float[] stepWeights(int floats) {
        if (stepWeights.length < floats) stepWeights = new float[floats];
        return stepWeights;
    }

    /** Frame offsets of the packed steps. */
    int[] stepOffsets(int count) {
        if (stepOffsets.length < count) stepOffsets = new int[count];
        return stepOffsets;
    }

    /** First step of each packed tile, and the end. */
    int[] tileStarts(int count) {
        if (tileStarts.length < count) tileStarts = new int[count];
        return tileStarts;
    }

    /** Winograd-transformed input tiles of one chunk ({@link WinogradConvolution}). */
    float[] transformedInputs(int floats) {
        if (transformedInputs.length < floats) transformedInputs = new float[floats];
        return transformedInputs;
    }

    /** Winograd-transformed products of one chunk, or a group's transformed filters while they are packed. */
    float[] transformedOutputs(int floats) {
        if (transformedOutputs.length < floats) transformedOutputs = new float[floats];
        return transformedOutputs;
    }

    /** A range of images' Winograd-transformed filter gradient, or the sum of all ranges'. */
    float[] transformedGradients(int floats) {
        if (transformedGradients.length < floats) transformedGradients = new float[floats];
        return transformedGradients;
    }

    /** Per-chunk filter-gradient sums, written by the crew's threads and added up by the caller. */
    MemorySegment partials(long floats) {
        if (partials.byteSize() < floats * Float.BYTES) partials = Arena.ofAuto().allocate(floats * Float.BYTES, 64);
        return partials;
    }

    /** {@link BiasSums}' running sums, cleared. */
    double[] biasSums() {
        Arrays.fill(biasSums, 0);
        return biasSums;
    }

    /** A register tile's sums, written out of the kernel that computed them. */
    float[] registers(int floats) {
        if (registers.length < floats) registers = new float[floats];
        return registers;
    }
}
