package dev.lottery.nn.backend;

import dev.lottery.nn.tensor.Tensor;

/**
 * The sizes of {@code c = op(a) * op(b)} for 2-D tensors, checked once for every backend:
 * {@code op(a)} is {@code m x k}, {@code op(b)} is {@code k x n}, {@code c} is {@code m x n}.
 */
public record GemmDims(int m, int n, int k) {
    public static GemmDims of(boolean transA, boolean transB, Tensor a, Tensor b, Tensor c) {
        for (Tensor t : new Tensor[] {a, b, c}) {
            if (t.rank() != 2) throw new IllegalArgumentException(t + " is not 2-D");
        }
        int m = transA ? a.dim(1) : a.dim(0);
        int k = transA ? a.dim(0) : a.dim(1);
        int kb = transB ? b.dim(1) : b.dim(0);
        int n = transB ? b.dim(0) : b.dim(1);
        if (k != kb || c.dim(0) != m || c.dim(1) != n) {
            throw new IllegalArgumentException("gemm shapes: op(" + a + ") x op(" + b + ") -> " + c);
        }
        return new GemmDims(m, n, k);
    }
}
