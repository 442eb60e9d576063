package dev.lottery.gpu;

/**
 * A launch grid or block shape.
 *
 * @param x the extent along x, at least 1
 * @param y the extent along y, at least 1
 * @param z the extent along z, at least 1
 */
public record Dim3(int x, int y, int z) {
    /** Checks that every dimension is positive. */
    public Dim3 {
        if (x < 1 || y < 1 || z < 1) throw new IllegalArgumentException("dimensions must be >= 1: " + x + "x" + y + "x" + z);
    }

    /**
     * A one-dimensional size {@code (x, 1, 1)}.
     *
     * @param x the extent, at least 1
     * @return the shape
     */
    public static Dim3 of(int x) { return new Dim3(x, 1, 1); }

    /**
     * Enough blocks of {@code blockSize} threads to cover {@code n} elements.
     *
     * @param n the elements, one per thread; 0 still gives one block
     * @param blockSize the threads per block, at least 1
     * @return a one-dimensional grid of {@code ceil(n / blockSize)} blocks, at least 1
     * @throws IllegalArgumentException if that is more than {@code Integer.MAX_VALUE} blocks
     */
    public static Dim3 covering(long n, int blockSize) {
        long blocks = Math.max(1, Math.ceilDiv(n, blockSize));
        if (blocks > Integer.MAX_VALUE) throw new IllegalArgumentException(n + " elements need too many blocks of " + blockSize);
        return new Dim3((int) blocks, 1, 1);
    }
}
