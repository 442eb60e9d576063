package dev.lottery.gpu;

import dev.lottery.bindings.cublas_v2_h;

/**
 * A row-major GEMM {@code C[m×n] = op(A)[m×k] · op(B)[k×n]} (every matrix dense, row-major, as our tensors
 * are), and the column-major cuBLAS call that computes it. A row-major matrix is its transpose in column-major
 * order, so C = op(A)·op(B) is computed as Cᵀ = op(B)ᵀ·op(A)ᵀ: swap the operands and the m/n roles, keep the
 * transpose flags. Pure arithmetic, so it is tested on the CPU.
 *
 * @param transA use Aᵀ (A is stored k×m) instead of A (stored m×k)
 * @param transB use Bᵀ (B is stored n×k) instead of B (stored k×n)
 */
public record RowMajorGemm(boolean transA, boolean transB, int m, int n, int k) {
    /** Checks the sizes. */
    public RowMajorGemm {
        if (m < 1 || n < 1 || k < 1) throw new IllegalArgumentException("gemm dimensions must be >= 1: m=" + m + " n=" + n + " k=" + k);
    }

    /** The arguments of cublasSgemm, column-major: first operand is our B, second our A. */
    public ColumnMajorCall columnMajor() {
        return columnMajor(transA ? m : k, transB ? k : n, n);
    }

    /**
     * The same with the stored matrices' row strides given ({@code lda}, {@code ldb}, {@code ldc} floats between row
     * starts; at least the row lengths): blocks inside larger matrices.
     */
    public ColumnMajorCall columnMajor(int lda, int ldb, int ldc) {
        if (lda < (transA ? m : k) || ldb < (transB ? k : n) || ldc < n) {
            throw new IllegalArgumentException("row strides " + lda + "/" + ldb + "/" + ldc + " shorter than the rows of " + this);
        }
        return new ColumnMajorCall(transB ? cublas_v2_h.CUBLAS_OP_T() : cublas_v2_h.CUBLAS_OP_N(),
                transA ? cublas_v2_h.CUBLAS_OP_T() : cublas_v2_h.CUBLAS_OP_N(), n, m, k, ldb, lda, ldc);
    }

    /** Elements of {@code A}. */
    public long aElements() { return (long) m * k; }

    /** Elements of {@code B}. */
    public long bElements() { return (long) k * n; }

    /** Elements of {@code C}. */
    public long cElements() { return (long) m * n; }

    /**
     * cublasSgemm's arguments: {@code C' = op1(first)·op2(second)} with C' of {@code rows×cols} column-major.
     * The first operand is our B, the second our A, C' is our C.
     */
    public record ColumnMajorCall(int opFirst, int opSecond, int rows, int cols, int inner, int ldFirst, int ldSecond, int ldC) {}
}
