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
 * @param m the rows of C and of op(A), at least 1
 * @param n the columns of C and of op(B), at least 1
 * @param k the inner dimension: columns of op(A), rows of op(B), at least 1
 */
public record RowMajorGemm(boolean transA, boolean transB, int m, int n, int k) {
    /** Checks the sizes. */
    public RowMajorGemm {
        if (m < 1 || n < 1 || k < 1) throw new IllegalArgumentException("gemm dimensions must be >= 1: m=" + m + " n=" + n + " k=" + k);
    }

    /**
     * The arguments of cublasSgemm, column-major: first operand is our B, second our A.
     *
     * @return the call for dense matrices, whose row strides are their stored row lengths
     */
    public ColumnMajorCall columnMajor() {
        return columnMajor(transA ? m : k, transB ? k : n, n);
    }

    /**
     * The same with the stored matrices' row strides given ({@code lda}, {@code ldb}, {@code ldc} floats between row
     * starts; at least the row lengths): blocks inside larger matrices.
     *
     * @param lda floats between the starts of A's stored rows, at least {@code k} ({@code m} when {@code transA})
     * @param ldb floats between the starts of B's stored rows, at least {@code n} ({@code k} when {@code transB})
     * @param ldc floats between the starts of C's rows, at least {@code n}
     * @return the call with those strides as its leading dimensions
     * @throws IllegalArgumentException if a stride is shorter than its matrix's stored rows
     */
    public ColumnMajorCall columnMajor(int lda, int ldb, int ldc) {
        if (lda < (transA ? m : k) || ldb < (transB ? k : n) || ldc < n) {
            throw new IllegalArgumentException("row strides " + lda + "/" + ldb + "/" + ldc + " shorter than the rows of " + this);
        }
        return new ColumnMajorCall(transB ? cublas_v2_h.CUBLAS_OP_T() : cublas_v2_h.CUBLAS_OP_N(),
                transA ? cublas_v2_h.CUBLAS_OP_T() : cublas_v2_h.CUBLAS_OP_N(), n, m, k, ldb, lda, ldc);
    }

    /**
     * Elements of {@code A}.
     *
     * @return {@code m·k}, the floats A holds stored densely (either orientation)
     */
    public long aElements() { return (long) m * k; }

    /**
     * Elements of {@code B}.
     *
     * @return {@code k·n}, the floats B holds stored densely (either orientation)
     */
    public long bElements() { return (long) k * n; }

    /**
     * Elements of {@code C}.
     *
     * @return {@code m·n}
     */
    public long cElements() { return (long) m * n; }

    /**
     * cublasSgemm's arguments: {@code C' = op1(first)·op2(second)} with C' of {@code rows×cols} column-major.
     * The first operand is our B, the second our A, C' is our C.
     *
     * @param opFirst {@code CUBLAS_OP_T} or {@code CUBLAS_OP_N} for the first operand (our B's {@code transB})
     * @param opSecond likewise for the second operand (our A's {@code transA})
     * @param rows the rows of C', our {@code n}
     * @param cols the columns of C', our {@code m}
     * @param inner the inner dimension, our {@code k}
     * @param ldFirst the first operand's leading dimension: our B's row stride in floats
     * @param ldSecond the second operand's leading dimension: our A's row stride in floats
     * @param ldC C's leading dimension: our C's row stride in floats
     */
    public record ColumnMajorCall(int opFirst, int opSecond, int rows, int cols, int inner, int ldFirst, int ldSecond, int ldC) {}
}
