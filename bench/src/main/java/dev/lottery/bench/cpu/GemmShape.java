package dev.lottery.bench.cpu;

/**
 * One GEMM problem in BLAS terms, written {@code NT_60x300x784}: op(A) is transposed if the first letter is T,
 * op(B) if the second is; then m x n x k. Stored matrices are dense row-major (leading dimension = row width).
 */
public record GemmShape(boolean transA, boolean transB, int m, int n, int k) {
    public GemmShape {
        if (m <= 0 || n <= 0 || k <= 0) throw new IllegalArgumentException("GEMM sizes must be positive: " + m + "x" + n + "x" + k);
    }

    public static GemmShape parse(String text) {
        String[] parts = text.split("_");
        String[] dims = parts.length == 2 ? parts[1].split("x") : new String[0];
        if (parts[0].length() != 2 || dims.length != 3 || !parts[0].matches("[NT][NT]")) {
            throw new IllegalArgumentException("GEMM shape '" + text + "' is not like NT_60x300x784");
        }
        return new GemmShape(parts[0].charAt(0) == 'T', parts[0].charAt(1) == 'T',
                Integer.parseInt(dims[0]), Integer.parseInt(dims[1]), Integer.parseInt(dims[2]));
    }

    /** Floating-point operations of one product (a multiply-add counts as two). */
    public double flops() {
        return 2.0 * m * n * k;
    }

    /** Rows and columns of the stored A. */
    public int aRows() { return transA ? k : m; }
    public int aCols() { return transA ? m : k; }

    /** Rows and columns of the stored B. */
    public int bRows() { return transB ? n : k; }
    public int bCols() { return transB ? k : n; }
}
