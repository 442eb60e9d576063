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
    public RowMajorGemm {
        if (m < 1 || n < 1 || k < 1) throw new IllegalArgumentException("gemm dimensions must be >= 1: m=" + m + " n=" + n + " k=" + k);
    }

    /** The arguments of cublasSgemm, column-major: first operand is our B, second our A. */
    public ColumnMajorCall columnMajor() {
        int ldb = transB ? k : n; // row length of B as stored
        int lda = transA ? m : k; // row length of A as stored
        return new ColumnMajorCall(transB ? cublas_v2_h.CUBLAS_OP_T() : cublas_v2_h.CUBLAS_OP_N(),
                transA ? cublas_v2_h.CUBLAS_OP_T() : cublas_v2_h.CUBLAS_OP_N(), n, m, k, ldb, lda, n);
    }

    public long aElements() { return (long) m * k; }

    public long bElements() { return (long) k * n; }

    public long cElements() { return (long) m * n; }

    /**
     * cublasSgemm's arguments: {@code C' = op1(first)·op2(second)} with C' of {@code rows×cols} column-major.
     * The first operand is our B, the second our A, C' is our C.
     */
    public record ColumnMajorCall(int opFirst, int opSecond, int rows, int cols, int inner, int ldFirst, int ldSecond, int ldC) {}
}
