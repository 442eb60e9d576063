package dev.lottery.nn.backend;

import dev.lottery.nn.tensor.Tensor;

/**
 * One operand of a batched product: for member {@code n} of a population, the {@code rows x cols} row-major matrix
 * that starts {@code offset + n * stride} floats into {@code tensor}, its rows {@code ld} floats apart. A stride of
 * 0 shares one matrix among all members (a mini-batch every member reads). The same description as cuBLAS's
 * strided-batched products, in row-major terms.
 *
 * @param tensor the tensor holding every member's matrix, on the backend that computes the product
 * @param offset floats from the start of {@code tensor} to member 0's first element
 * @param rows   rows of each member's stored (untransposed) matrix
 * @param cols   columns of each member's stored (untransposed) matrix
 * @param ld     floats between the starts of consecutive rows ({@code >= cols})
 * @param stride floats between consecutive members' matrices (0: shared)
 */
public record MatrixBatch(Tensor tensor, long offset, int rows, int cols, int ld, long stride) {
    /** Checks that sizes and offsets are not negative and rows fit their leading dimension. */
    public MatrixBatch {
        if (rows < 0 || cols < 0 || ld < Math.max(1, cols) || offset < 0 || stride < 0) {
            throw new IllegalArgumentException("bad matrix batch over " + tensor + ": " + rows + "x" + cols + " ld " + ld
                    + " offset " + offset + " stride " + stride);
        }
    }

    /**
     * A whole 2-D tensor as one matrix, the same for every member.
     *
     * @param t a 2-D tensor {@code [rows, cols]}
     * @return a shared operand over all of {@code t}
     * @throws IllegalArgumentException if {@code t} is not 2-D
     */
    public static MatrixBatch of(Tensor t) {
        if (t.rank() != 2) throw new IllegalArgumentException(t + " is not 2-D");
        return new MatrixBatch(t, 0, t.dim(0), t.dim(1), t.dim(1), 0);
    }

    /**
     * {@code t} read as rows of {@code cols} values, one matrix that every member reads (a shared mini-batch).
     *
     * @param t    a tensor of any rank whose size is a multiple of {@code cols}
     * @param cols the values per row (an example's features), at least 1
     * @return a shared operand of {@code t.size() / cols} rows
     * @throws IllegalArgumentException if {@code cols} does not divide the tensor's size
     */
    public static MatrixBatch shared(Tensor t, int cols) {
        if (t.size() % cols != 0) throw new IllegalArgumentException(t + " is not rows of " + cols);
        return new MatrixBatch(t, 0, Math.toIntExact(t.size() / cols), cols, cols, 0);
    }

    /**
     * A parameter stacked {@code [members, rows, cols]} (any rank whose leading size is the member count): member n's
     * slice.
     *
     * @param t    the stacked parameter; only its memory is used, its shape is not checked
     * @param rows rows of one member's matrix
     * @param cols columns of one member's matrix
     * @return an operand whose members are consecutive {@code rows x cols} matrices
     */
    public static MatrixBatch stacked(Tensor t, int rows, int cols) {
        return new MatrixBatch(t, 0, rows, cols, cols, (long) rows * cols);
    }

    /**
     * Population activations {@code [rows, members*cols]}: member n's matrix is the column block
     * {@code [n*cols, (n+1)*cols)} of every row.
     *
     * @param t       the activations, any rank whose size is a multiple of {@code members * cols}
     * @param members how many column blocks each row holds, at least 1
     * @param cols    the columns of one member's block (its features)
     * @return an operand whose member n starts {@code n * cols} floats into every row
     * @throws IllegalArgumentException if the tensor's size is not a whole number of rows
     */
    public static MatrixBatch columnBlocks(Tensor t, int members, int cols) {
        if (t.size() % ((long) members * cols) != 0) throw new IllegalArgumentException(t + " is not " + members + " blocks of " + cols + " columns");
        int rows = Math.toIntExact(t.size() / ((long) members * cols));
        return new MatrixBatch(t, 0, rows, cols, members * cols, cols);
    }

    /** {@return whether every member reads the same matrix (the stride is 0)} */
    public boolean shared() {
        return stride == 0;
    }

    /**
     * The rows of {@code op(matrix)}.
     *
     * @param trans whether the product reads the matrix transposed
     * @return {@code cols} when transposed, otherwise {@code rows}
     */
    public int opRows(boolean trans) {
        return trans ? cols : rows;
    }

    /**
     * The columns of {@code op(matrix)}.
     *
     * @param trans whether the product reads the matrix transposed
     * @return {@code rows} when transposed, otherwise {@code cols}
     */
    public int opCols(boolean trans) {
        return trans ? rows : cols;
    }

    /**
     * The last float that member {@code members-1} touches, plus one: it must fit the tensor.
     *
     * @param members how many members read or write this operand
     * @return the floats of the tensor the members span
     */
    public long extent(int members) {
        if (rows == 0 || cols == 0) return 0;
        return offset + (members - 1) * stride + (long) (rows - 1) * ld + cols;
    }
}
