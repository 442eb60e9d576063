package dev.lottery.gpu;

/**
 * How {@link DevicePool} rounds requests so that freed blocks can be reused: powers of two from 256 B
 * (the driver's own alignment) to 1 MiB, then multiples of 2 MiB (the driver's large-page granularity).
 * The waste is under 50% for small blocks and under 2 MiB for large ones.
 */
public final class SizeClass {
    /** The smallest block (the driver's alignment). */
    public static final long MIN = 256;
    /** Blocks up to this size are powers of two. */
    public static final long SMALL_LIMIT = 1L << 20;
    /** Larger blocks are multiples of this. */
    public static final long LARGE_STEP = 2L << 20;

    private SizeClass() {}

    /**
     * The block size a request of {@code bytes} gets.
     *
     * @param bytes the requested size, at least 1
     * @return the block size in bytes, at least {@code bytes}: a power of two from {@link #MIN} up to
     *     {@link #SMALL_LIMIT}, above that a multiple of {@link #LARGE_STEP}
     * @throws IllegalArgumentException if {@code bytes} is not positive
     */
    public static long of(long bytes) {
        if (bytes <= 0) throw new IllegalArgumentException("allocation size must be positive, was " + bytes);
        if (bytes <= MIN) return MIN;
        if (bytes <= SMALL_LIMIT) return Long.highestOneBit(bytes - 1) << 1;
        return Math.ceilDiv(bytes, LARGE_STEP) * LARGE_STEP;
    }
}
