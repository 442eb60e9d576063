package dev.lottery.nn.backend.common;

import dev.lottery.nn.backend.MatrixBatch;
import dev.lottery.nn.tensor.Tensor;

/**
 * The sizes of {@code C_n = op(A_n) * op(B_n)} for every member of a batched product, checked once for every
 * backend: {@code op(A_n)} is {@code m x k}, {@code op(B_n)} is {@code k x n}, {@code C_n} is {@code m x n}, and
 * every member's matrices lie inside their tensors.
 */
public record GemmDims(int m, int n, int k) {
    /** The dimensions of {@code c = op(a) op(b)} for every one of {@code members}, checked. */
    public static GemmDims of(int members, boolean transA, boolean transB, MatrixBatch a, MatrixBatch b, MatrixBatch c) {
        if (members <= 0) throw new IllegalArgumentException("gemm over " + members + " members");
        int m = a.opRows(transA), k = a.opCols(transA);
        int kb = b.opRows(transB), n = b.opCols(transB);
        if (k != kb || c.rows() != m || c.cols() != n) {
            throw new IllegalArgumentException("gemm shapes: op(" + a + ") x op(" + b + ") -> " + c);
        }
        for (MatrixBatch x : new MatrixBatch[] {a, b, c}) {
            if (x.extent(members) > x.tensor().size()) throw new IllegalArgumentException("gemm operand " + x + " reaches past its tensor");
        }
        if (c.shared() && members > 1) throw new IllegalArgumentException("gemm: members cannot share an output " + c);
        return new GemmDims(m, n, k);
    }

    /**
     * The single product that computes every member at once, when the members' operands lie side by side: a shared
     * A with the members' op(B) and C in column blocks ({@code m x members*n}), or a shared B with op(A) and C in row
     * blocks ({@code members*m x n}); null otherwise. It starts at member 0's matrices with the operands' own row
     * strides. Only for products that write C ({@code alpha == 1}, {@code beta == 0}): a backend whose rounding
     * depends on nothing but k then gives each member the bits of its own product.
     */
    public GemmDims merged(int members, boolean transA, boolean transB, MatrixBatch a, MatrixBatch b, MatrixBatch c, float alpha, float beta) {
        if (members == 1 || alpha != 1f || beta != 0f) return null;
        if (a.shared() && sideBySide(b, transB, n, members) && c.stride() == n && c.ld() >= members * n) {
            return new GemmDims(m, members * n, k);
        }
        if (b.shared() && stacked(a, transA, m, members) && c.stride() == (long) m * c.ld()) {
            return new GemmDims(members * m, n, k);
        }
        return null;
    }

    /** Whether the members' {@code op(X)} (each {@code k x n}) lie side by side as one {@code k x members*n} matrix. */
    private static boolean sideBySide(MatrixBatch x, boolean trans, int n, int members) {
        return trans ? x.stride() == (long) n * x.ld() : x.stride() == n && x.ld() >= members * n;
    }

    /** Whether the members' {@code op(X)} (each {@code m x k}) lie one below the other as one {@code members*m x k} matrix. */
    private static boolean stacked(MatrixBatch x, boolean trans, int m, int members) {
        return trans ? x.stride() == m && x.ld() >= members * m : x.stride() == (long) m * x.ld();
    }

    /** The plain product of 2-D tensors. */
    public static GemmDims of(boolean transA, boolean transB, Tensor a, Tensor b, Tensor c) {
        return of(1, transA, transB, MatrixBatch.of(a), MatrixBatch.of(b), MatrixBatch.of(c));
    }
}
