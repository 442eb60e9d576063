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
 * which skips every column that is background in all rows of the block. Rows are put in blocks by where they depart
 * (their first, then their last departing column), so that images whose strokes lie in the same region share one.
 * MNIST's images are 81 % background (the standardized value of a black pixel) and a block of 12 test images
 * departs from it in 40 % of the 784 columns (48 % in the set's own order), so evaluating lenet's first layer on the
 * test set does 40 % of the multiply-adds of the dense product.
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

    /**
     * A matrix is written this way only when at least this fraction of its values are its background value: a first
     * filter that spares the blocks' pass where little can be skipped (the listed columns below decide). Fashion-MNIST
     * is 50 % background and its blocks list 70 % of the columns: 1.39x the dense product on lenet's first layer.
     */
    static final double MIN_BACKGROUND = 0.3;
    /**
     * ... and when its blocks' listed columns are at most this fraction of the matrix. The gathered kernel reads each
     * B row from a panel in L2 rather than L1, so it needs to skip a good share of the columns to gain: on lenet's first
     * layer over MNIST's test set it measured 2.25x the dense product with 40 % listed, 1.8x with 48 % (the blocks in
     * the set's own order).
     */
    static final double MAX_LISTED = 0.75;
    /** Blocks per task: a few hundred microseconds of work, so a 10,000-row product is a few dozen tasks. */
    private static final int BLOCKS_PER_TASK = 16;

    final int rows, cols;
    final float background;
    /** The rows in block order: block b holds rows {@code order[b * MR .. b * MR + MR)}. */
    private final int[] order;
    /** Block b's columns are {@code columns[start[b] .. start[b + 1])}, increasing. */
    private final int[] start;
    private final int[] columns;
    /** Block b's departures, {@code MR} per listed column (zero past the matrix's last row), from {@code start[b] * MR}. */
    private final float[] departures;

    private BackgroundInput(int rows, int cols, float background, int[] order, int[] start, int[] columns, float[] departures) {
        this.rows = rows;
        this.cols = cols;
        this.background = background;
        this.order = order;
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
        if (rows < MR || cols == 0 || rows >= 1 << 21 || (long) rows * cols > Integer.MAX_VALUE / 2) return null;
        int c = backgroundBits(x, offset, rows, cols);
        float background = Float.intBitsToFloat(c);
        // Three passes over the rows, each row (or block) handled by a small method: a process's first evaluation makes
        // the form before the JIT has compiled much, and small methods are compiled soonest.
        float[] block = new float[MR * cols];
        long[] keys = new long[rows];
        long departing = 0;
        for (int r = 0; r < rows; r++) {
            MemorySegment.copy(x, F, (offset + (long) r * cols) * Float.BYTES, block, 0, cols);
            keys[r] = key(block, cols, c, r);
            departing += departures(block, cols, c);
        }
        if (departing > (1 - MIN_BACKGROUND) * rows * cols) return null;
        // Rows in blocks by where they depart (first, then last departing column): images whose strokes lie in the same
        // region share a block, and a block lists fewer columns (MNIST's test set: 40 % of them rather than 48 %).
        Arrays.sort(keys);
        int[] order = new int[rows];
        for (int r = 0; r < rows; r++) order[r] = (int) (keys[r] & ((1 << 21) - 1));
        int blocks = (rows + MR - 1) / MR;
        int[] start = new int[blocks + 1];
        int[] listed = new int[blocks * cols];
        boolean[] departs = new boolean[cols];
        for (int b = 0; b < blocks; b++) {
            int n = copyBlock(x, offset, rows, cols, order, b, block);
            start[b + 1] = listColumns(block, n, cols, c, departs, listed, start[b]);
        }
        if (start[blocks] > MAX_LISTED * blocks * cols) return null;
        int[] columns = Arrays.copyOf(listed, start[blocks]);
        float[] departures = new float[start[blocks] * MR];
        for (int b = 0; b < blocks; b++) {
            int n = copyBlock(x, offset, rows, cols, order, b, block);
            pack(block, n, cols, columns, start[b], start[b + 1], background, departures);
        }
        return new BackgroundInput(rows, cols, background, order, start, columns, departures);
    }

    /** Row r's sort key: its first departing column, then its last plus one, then r (cols and 0 for a background row). */
    private static long key(float[] row, int cols, int c, int r) {
        int first = cols, last = -1;
        for (int i = 0; i < cols; i++) {
            if (Float.floatToRawIntBits(row[i]) != c) {
                if (first == cols) first = i;
                last = i;
            }
        }
        return ((long) first << 42) | ((long) (last + 1) << 21) | r;
    }

    /** How many of the row's values depart from the background. */
    private static int departures(float[] row, int cols, int c) {
        int n = 0;
        for (int i = 0; i < cols; i++) if (Float.floatToRawIntBits(row[i]) != c) n++;
        return n;
    }

    /** Block b's rows, in block order, copied to {@code block} ({@code cols} apart); returns how many. */
    private static int copyBlock(MemorySegment x, long offset, int rows, int cols, int[] order, int b, float[] block) {
        int n = Math.min(MR, rows - b * MR);
        for (int i = 0; i < n; i++) MemorySegment.copy(x, F, (offset + (long) order[b * MR + i] * cols) * Float.BYTES, block, i * cols, cols);
        return n;
    }

    /** Lists at {@code listed[at..]} the columns where any of the block's {@code n} rows departs; returns the end. */
    private static int listColumns(float[] block, int n, int cols, int c, boolean[] departs, int[] listed, int at) {
        Arrays.fill(departs, false);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < cols; j++) if (Float.floatToRawIntBits(block[i * cols + j]) != c) departs[j] = true;
        }
        for (int j = 0; j < cols; j++) if (departs[j]) listed[at++] = j;
        return at;
    }

    /** The block's departures at its listed columns {@code columns[p0 .. p1)}, {@code MR} per column from {@code p0 * MR}. */
    private static void pack(float[] block, int n, int cols, int[] columns, int p0, int p1, float background, float[] out) {
        for (int i = 0; i < n; i++) {
            for (int p = p0; p < p1; p++) out[p * MR + i] = block[i * cols + columns[p]] - background;
        }
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

    /** Per-thread packed panels of W^T, their column sums, a tile and a block's rows of C, grown on demand. */
    private static final class Scratch {
        float[] panels = new float[0], sums = new float[0], rows = new float[0], out = new float[0];
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
            Scratch ts = SCRATCH.get();
            if (ts.out.length < MR * panels * NR) ts.out = new float[MR * panels * NR];
            float[] tile = ts.tile, out = ts.out;
            int width = panels * NR;
            for (int blk = t * BLOCKS_PER_TASK, end = Math.min(blocks, blk + BLOCKS_PER_TASK); blk < end; blk++) {
                int mr = Math.min(MR, rows - blk * MR), from = start[blk], count = start[blk + 1] - from;
                for (int p = 0; p < panels; p++) {
                    K.microKernelGathered(count, columns, from, departures, from * MR, bp, p * k * NR, tile);
                    for (int i = 0; i < mr; i++) {
                        K.addInto(cr, p * NR, tile, i * NR, NR);
                        System.arraycopy(tile, i * NR, out, i * width + p * NR, NR);
                    }
                }
                // The block's rows are scattered over C: each goes to its own row, whole.
                for (int i = 0; i < mr; i++) {
                    MemorySegment.copy(out, i * width, c, F, (cOffset + (long) order[blk * MR + i] * ldc) * Float.BYTES, n);
                }
            }
        }, b, c);
    }
}
