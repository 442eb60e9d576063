package dev.lottery.nn.backend;

import dev.lottery.nn.tensor.Tensor;

/**
 * How the conformance suite lays out {@code members} matrices of {@code rows x cols} in one tensor for a batched
 * product: every {@link MatrixBatch} a population makes, plus a padded view with gaps between rows and members.
 */
record MatrixLayout(Kind kind, int members, int rows, int cols) {
    enum Kind {
        /** {@code [members, rows, cols]}: a stacked parameter. */
        STACKED,
        /** Rows {@code cols + 3} apart, members {@code rows * ld + 5} apart, starting 2 floats in: a strided view with gaps. */
        PADDED,
        /** {@code [rows, members * cols]}, member n in column block n: population activations. */
        COLUMN_BLOCKS,
        /** One {@code [rows, cols]} matrix every member reads (stride 0): the shared mini-batch. */
        SHARED
    }

    int ld() {
        return switch (kind) {
            case PADDED -> cols + 3;
            case COLUMN_BLOCKS -> members * cols;
            case STACKED, SHARED -> cols;
        };
    }

    long stride() {
        return switch (kind) {
            case STACKED -> (long) rows * cols;
            case PADDED -> (long) rows * ld() + 5;
            case COLUMN_BLOCKS -> cols;
            case SHARED -> 0;
        };
    }

    long offset() {
        return kind == Kind.PADDED ? 2 : 0;
    }

    /** The tensor's shape (the padded view is a flat tensor with one spare float at the end). */
    int[] shape() {
        return switch (kind) {
            case STACKED -> new int[] {members, rows, cols};
            case COLUMN_BLOCKS -> new int[] {rows, members * cols};
            case SHARED -> new int[] {rows, cols};
            case PADDED -> new int[] {Math.toIntExact(offset() + (members - 1) * stride() + (long) rows * ld() + 1)};
        };
    }

    int size() {
        int size = 1;
        for (int d : shape()) size *= d;
        return size;
    }

    MatrixBatch on(Tensor t) {
        return new MatrixBatch(t, offset(), rows, cols, ld(), stride());
    }

    /** Member {@code n}'s matrix out of the tensor's values, as a dense {@code rows x cols} array. */
    float[] member(float[] values, int n) {
        float[] m = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) m[i * cols + j] = values[Math.toIntExact(offset() + n * stride() + (long) i * ld() + j)];
        }
        return m;
    }
}
