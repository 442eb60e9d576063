package dev.lottery.nn.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A constant input matrix {@code X [rows, cols]} (a data set's examples, declared constant by its owner) written as
 * its background value {@code c} and, for each block of {@code MR} rows, the columns where any of those rows departs
 * from it, with the departures {@code X - c} packed as the GEMM micro-kernel's interleaved A panel. A first layer's
 * product over it, {@code Y = X W^T}, is then
 *
 * <pre>  Y[r, o] = sum over the block's columns i of (X[r, i] - c) W[o, i]  +  c * (sum over all i of W[o, i])</pre>
 *
 * which skips every column that is background in all rows of the block. MNIST's images are 81 % background (the
 * standardized value of a black pixel) and a block of 12 test images departs from it in 48 % of the 784 columns, so
 * evaluating lenet's first layer on the test set does about half the multiply-adds of the dense product.
 *
 * <p><b>Bits.</b> Each value is one FMA chain over the block's columns in increasing order, from +0, plus
 * {@code c * R[o]} with {@code R[o]} one float chain over all of W's row in order. A column listed for the block
 * where this row is background adds an exact {@code 0 * W[o, i]}, which leaves the chain as it is (for finite
 * weights), so a value does not depend on which rows share its block: not on the vector width's block height, the
 * threads or the order of the blocks. It rounds differently from the dense product (the CPU kernels' generation
 * names it).
 */
final class BackgroundInput {
    private static final CpuKernels K = CpuKernels.active();
    private static final int MR = K.mr(), NR = K.nr();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    /** A matrix is written this way only when at least this fraction of its values are its background value. */
    static final double MIN_BACKGROUND = 0.5;
    /**
     * ... and when its blocks' listed columns are at most this fraction of the matrix. The gathered kernel reads each
     * B row from a panel in L2 rather than L1, so it needs to skip a good share of the columns to gain: at 48 % (MNIST's
     * test set) it measured 1.8x the dense product on lenet's first layer.
     */
    static final double MAX_LISTED = 0.75;
    /** Blocks per task: a few hundred microseconds of work, so a 10,000-row product is a few dozen tasks. */
    private static final int BLOCKS_PER_TASK = 16;

    final int rows, cols;
    final float background;
    /** Block b's columns are {@code columns[start[b] .. start[b + 1])}, increasing. */
    private final int[] start;
    private final int[] columns;
    /** Block b's departures, {@code MR} per listed column (zero past the matrix's last row), from {@code start[b] * MR}. */
    private final float[] departures;

    private BackgroundInput(int rows, int cols, float background, int[] start, int[] columns, float[] departures) {
        this.rows = rows;
        this.cols = cols;
        this.background = background;
        this.start = start;
        this.columns = columns;
        this.departures = departures;
    }

    /**
     * The matrix {@code [rows, cols]} at float {@code offset} of {@code x} (rows {@code cols} apart) written this way, or
     * null when it has no background value common enough ({@link #MIN_BACKGROUND}) or its blocks list too many columns
     * ({@link #MAX_LISTED}) for the product to gain.
     */
    static BackgroundInput of(MemorySegment x, long offset, int rows, int cols) {
        if (rows < MR || cols == 0 || (long) rows * cols > Integer.MAX_VALUE / 2) return null;
        float[] block = new float[MR * cols];
        int c = backgroundBits(x, offset, rows, cols);
        float background = Float.intBitsToFloat(c);
        int blocks = (rows + MR - 1) / MR;
        int[] start = new int[blocks + 1];
        int[] listed = new int[Math.toIntExact(Math.min((long) blocks * cols, Integer.MAX_VALUE / 2))];
        long backgroundValues = 0;
        boolean[] departs = new boolean[cols];
        for (int b = 0; b < blocks; b++) {
            int r0 = b * MR, n = Math.min(MR, rows - r0);
            MemorySegment.copy(x, F, (offset + (long) r0 * cols) * Float.BYTES, block, 0, n * cols);
            Arrays.fill(departs, false);
            for (int i = 0; i < n * cols; i++) {
                if (Float.floatToRawIntBits(block[i]) != c) departs[i % cols] = true;
                else backgroundValues++;
            }
            int at = start[b];
            for (int j = 0; j < cols; j++) if (departs[j]) listed[at++] = j;
            start[b + 1] = at;
        }
        if (backgroundValues < MIN_BACKGROUND * rows * cols || start[blocks] > MAX_LISTED * blocks * cols) return null;
        int[] columns = Arrays.copyOf(listed, start[blocks]);
        float[] departures = new float[start[blocks] * MR];
        for (int b = 0; b < blocks; b++) {
            int r0 = b * MR, n = Math.min(MR, rows - r0);
            MemorySegment.copy(x, F, (offset + (long) r0 * cols) * Float.BYTES, block, 0, n * cols);
            for (int p = start[b]; p < start[b + 1]; p++) {
                for (int i = 0; i < n; i++) departures[p * MR + i] = block[i * cols + columns[p]] - background;
            }
        }
        return new BackgroundInput(rows, cols, background, start, columns, departures);
    }

    /** The raw bits of the most common value among the rows' first values (a data set's corner pixel), by count. */
    private static int backgroundBits(MemorySegment x, long offset, int rows, int cols) {
        Map<Integer, Integer> counts = new HashMap<>();
        for (int r = 0; r < rows; r++) counts.merge(Float.floatToRawIntBits(x.getAtIndex(F, offset + (long) r * cols)), 1, Integer::sum);
        return counts.entrySet().stream().max(Map.Entry.<Integer, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .orElseThrow().getKey();
    }

    /** The fraction of the matrix's columns its blocks list (diagnostics and tests). */
    double listedFraction() {
        return start[start.length - 1] / ((double) (start.length - 1) * cols);
    }

    /** Per-thread packed panels of W^T, their column sums and a tile, grown on demand. */
    private static final class Scratch {
        float[] panels = new float[0], sums = new float[0], rows = new float[0];
        final float[] tile = new float[MR * NR];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * {@code C = X B^T} for {@code B [n, cols]} stored row-major ({@code ldb} apart) and {@code C [rows, n]}
     * ({@code ldc} apart), overwritten: a dense layer's forward product over this input, {@code B} its weights.
     */
    void product(GemmWorkers workers, int n, MemorySegment b, long bOffset, int ldb, MemorySegment c, long cOffset, int ldc) {
        int k = cols, panels = (n + NR - 1) / NR;
        Scratch s = SCRATCH.get();
        if (s.panels.length < panels * k * NR) s.panels = new float[panels * k * NR];
        if (s.sums.length < panels * NR) s.sums = new float[panels * NR];
        float[] bp = s.panels, cr = s.sums;
        // W^T in NR-column panels over the whole depth (panel p's row i at (p * k + i) * NR), and c times each column's
        // sum. A last panel narrower than NR keeps whatever its other columns held: they are computed and never stored.
        workers.forEach(panels, p -> {
            int j0 = p * NR, nr = Math.min(NR, n - j0);
            Scratch t = SCRATCH.get();
            if (t.rows.length < nr * k) t.rows = new float[NR * k];
            for (int j = 0; j < nr; j++) MemorySegment.copy(b, F, (bOffset + (long) (j0 + j) * ldb) * Float.BYTES, t.rows, j * k, k);
            K.transpose(t.rows, 0, k, nr, k, bp, p * k * NR, NR);
            K.panelColumnSums(bp, p * k * NR, k, cr, p * NR);
            for (int j = 0; j < NR; j++) cr[p * NR + j] *= background;
        }, b);
        int blocks = start.length - 1, tasks = (blocks + BLOCKS_PER_TASK - 1) / BLOCKS_PER_TASK;
        workers.forEach(tasks, t -> {
            float[] tile = SCRATCH.get().tile;
            for (int blk = t * BLOCKS_PER_TASK, end = Math.min(blocks, blk + BLOCKS_PER_TASK); blk < end; blk++) {
                int r0 = blk * MR, mr = Math.min(MR, rows - r0), from = start[blk], count = start[blk + 1] - from;
                for (int p = 0; p < panels; p++) {
                    int j0 = p * NR, nr = Math.min(NR, n - j0);
                    K.microKernelGathered(count, columns, from, departures, from * MR, bp, p * k * NR, tile);
                    for (int i = 0; i < mr; i++) K.addInto(cr, j0, tile, i * NR, NR);
                    long at = cOffset + (long) r0 * ldc + j0;
                    if (mr == MR && nr == NR) K.storeTile(tile, c, at, ldc, 1f, 0f);
                    else K.storeTileEdge(tile, mr, nr, c, at, ldc, 1f, 0f);
                }
            }
        }, b, c);
    }
}
