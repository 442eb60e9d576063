package dev.lottery.nn.backend;

import dev.lottery.nn.tensor.Tensor;

/**
 * A stacked weight mask {@code [members, rows, cols]} (1 keeps a weight, 0 prunes it) as a backend prepared it for
 * {@link DenseOps#maskedGemm} and the masked {@link DenseOps#sgdStep(Tensor, Tensor, PreparedMask, Tensor, float, float,
 * float) SGD step}: on the CPU, compact lists of the kept entries of every member whose weights are sparse enough for
 * them to pay. Masks change only between training runs, so a run prepares each weight's mask when it starts and closes
 * it when it ends; the mask must not change while its preparation is open.
 */
public interface PreparedMask extends AutoCloseable {
    /** The mask it was prepared from. */
    Tensor mask();

    /** Rows of one member's matrix (a dense layer's units). */
    int rows();

    /** Columns of one member's matrix (a dense layer's inputs). */
    int cols();

    default int members() {
        return Math.toIntExact(mask().size() / ((long) rows() * cols()));
    }

    @Override
    void close();

    /** The mask as it is, for a backend that computes masked products densely. */
    static PreparedMask plain(Tensor mask, int rows, int cols) {
        return new Plain(mask, rows, cols);
    }

    /** Checks that {@code mask} holds whole {@code rows x cols} matrices. */
    static void requireShape(Tensor mask, int rows, int cols) {
        long matrix = (long) rows * cols;
        if (rows <= 0 || cols <= 0 || mask.size() == 0 || mask.size() % matrix != 0) {
            throw new IllegalArgumentException(mask + " is not a stack of " + rows + "x" + cols + " masks");
        }
    }

    /** No preparation. */
    record Plain(Tensor mask, int rows, int cols) implements PreparedMask {
        /** Checks that the mask holds {@code rows x cols} values. */
        public Plain {
            requireShape(mask, rows, cols);
        }

        @Override
        public void close() {}
    }
}
