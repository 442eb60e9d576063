package dev.lottery.nn.backend.cpu;

import dev.lottery.nn.backend.PreparedMask;
import dev.lottery.nn.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The CPU's {@link PreparedMask}: for every member whose weights are sparse enough for some masked kernel to pay
 * (see {@link MaskedProducts}), the kept entries of its {@code rows x cols} mask as row lists (CSR: for the forward
 * product, the weight gradient and the SGD step) and column lists (CSC: for the input gradient), each list cut where
 * {@link CpuGemm} starts a new slab of its sum so that the masked products add in the dense product's order. Built
 * once per training run from the mask's values; denser members keep only their density and run the dense kernels.
 */
final class CpuMaskPlan implements PreparedMask {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final Tensor mask;
    private final int rows, cols;
    private final Member[] members;

    /**
     * One member's mask. {@code sparse} is null when the member is too dense for every masked kernel.
     *
     * @param density kept entries / all entries
     */
    record Member(double density, Sparse sparse) {}

    /**
     * The kept entries of one {@code rows x cols} mask.
     *
     * @param rowStart  CSR: row r's entries are {@code [rowStart[r], rowStart[r+1])}, by increasing column
     * @param colIndex  CSR: each entry's column
     * @param flat      CSR: each entry's position {@code r * cols + c}
     * @param rowRuns   row r's entries split at the slab edges of a product summed along the columns:
     *                  {@code rowSlabs + 1} boundaries per row
     * @param colStart  CSC: column c's entries are {@code [colStart[c], colStart[c+1])}, by increasing row
     * @param rowIndex  CSC: each entry's row
     * @param colFlat   CSC: each entry's position {@code r * cols + c}
     * @param colRuns   column c's entries split at the slab edges of a product summed along the rows
     */
    record Sparse(int[] rowStart, int[] colIndex, int[] flat, int rowSlabs, int[] rowRuns,
                  int[] colStart, int[] rowIndex, int[] colFlat, int colSlabs, int[] colRuns) {
        int kept() {
            return colIndex.length;
        }
    }

    /**
     * Reads {@code mask} and builds the lists of every member whose density is below {@code maxDensity} (the largest
     * density at which any masked kernel is used).
     */
    CpuMaskPlan(Tensor mask, MemorySegment values, int rows, int cols, double maxDensity) {
        PreparedMask.requireShape(mask, rows, cols);
        this.mask = mask;
        this.rows = rows;
        this.cols = cols;
        long matrix = (long) rows * cols;
        this.members = new Member[Math.toIntExact(mask.size() / matrix)];
        for (int n = 0; n < members.length; n++) members[n] = build(values, n * matrix, maxDensity);
    }

    private Member build(MemorySegment values, long base, double maxDensity) {
        int[] rowStart = new int[rows + 1];
        int[] colCount = new int[cols];
        for (int r = 0; r < rows; r++) {
            int kept = 0;
            long row = base + (long) r * cols;
            for (int c = 0; c < cols; c++) {
                if (values.getAtIndex(F, row + c) != 0f) {
                    kept++;
                    colCount[c]++;
                }
            }
            rowStart[r + 1] = rowStart[r] + kept;
        }
        int nnz = rowStart[rows];
        double density = nnz / ((double) rows * cols);
        if (density >= maxDensity) return new Member(density, null);

        int[] colIndex = new int[nnz], flat = new int[nnz];
        int[] colStart = new int[cols + 1];
        for (int c = 0; c < cols; c++) colStart[c + 1] = colStart[c] + colCount[c];
        int[] rowIndex = new int[nnz], colFlat = new int[nnz];
        int[] colFill = colStart.clone();
        for (int r = 0, p = 0; r < rows; r++) {
            long row = base + (long) r * cols;
            for (int c = 0; c < cols; c++) {
                if (values.getAtIndex(F, row + c) == 0f) continue;
                colIndex[p] = c;
                flat[p] = r * cols + c;
                p++;
                int q = colFill[c]++;
                rowIndex[q] = r;
                colFlat[q] = r * cols + c;
            }
        }
        int rowSlabs = CpuGemm.slabs(cols), colSlabs = CpuGemm.slabs(rows);
        int[] rowRuns = runs(rowStart, colIndex, rows, rowSlabs, CpuGemm.slabLength(cols));
        int[] colRuns = runs(colStart, rowIndex, cols, colSlabs, CpuGemm.slabLength(rows));
        return new Member(density, new Sparse(rowStart, colIndex, flat, rowSlabs, rowRuns, colStart, rowIndex, colFlat, colSlabs, colRuns));
    }

    /** Each list's entries cut where {@code index} reaches a multiple of {@code slab}: {@code slabs + 1} boundaries per list. */
    private static int[] runs(int[] start, int[] index, int lists, int slabs, int slab) {
        int[] runs = new int[lists * (slabs + 1)];
        for (int l = 0; l < lists; l++) {
            int p = start[l], end = start[l + 1];
            for (int s = 0; s < slabs; s++) {
                runs[l * (slabs + 1) + s] = p;
                while (p < end && index[p] < (s + 1) * slab) p++;
            }
            runs[l * (slabs + 1) + slabs] = end;
        }
        return runs;
    }

    Member member(int n) {
        return members[n];
    }

    @Override
    public int members() {
        return members.length;
    }

    @Override
    public Tensor mask() {
        return mask;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public void close() {
        // Heap lists only.
    }
}
