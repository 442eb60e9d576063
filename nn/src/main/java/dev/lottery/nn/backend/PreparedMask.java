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
    /** {@return the mask it was prepared from, {@code [members, rows, cols]}, still owned by whoever made it} */
    Tensor mask();

    /** {@return the rows of one member's matrix (a dense layer's units)} */
    int rows();

    /** {@return the columns of one member's matrix (a dense layer's inputs)} */
    int cols();

    /** {@return how many members' masks are stacked, the mask's size over {@code rows * cols}} */
    default int members() {
        return Math.toIntExact(mask().size() / ((long) rows() * cols()));
    }

    @Override
    void close();

    /**
     * The mask as it is, for a backend that computes masked products densely.
     *
     * @param mask the stacked mask; referred to, not copied, and not closed with the preparation
     * @param rows rows of one member's matrix, at least 1
     * @param cols columns of one member's matrix, at least 1
     * @return a preparation whose {@link #close()} does nothing
     * @throws IllegalArgumentException if the mask does not hold whole {@code rows x cols} matrices
     */
    static PreparedMask plain(Tensor mask, int rows, int cols) {
        return new Plain(mask, rows, cols);
    }

    /**
     * Checks that {@code mask} holds whole {@code rows x cols} matrices, at least one.
     *
     * @param mask the stacked mask
     * @param rows rows of one member's matrix, at least 1
     * @param cols columns of one member's matrix, at least 1
     * @throws IllegalArgumentException if a size is not positive or the mask is empty or not a whole stack
     */
    static void requireShape(Tensor mask, int rows, int cols) {
        long matrix = (long) rows * cols;
        if (rows <= 0 || cols <= 0 || mask.size() == 0 || mask.size() % matrix != 0) {
            throw new IllegalArgumentException(mask + " is not a stack of " + rows + "x" + cols + " masks");
        }
    }

    /**
     * No preparation.
     *
     * @param mask the stacked mask, referred to as it is
     * @param rows rows of one member's matrix
     * @param cols columns of one member's matrix
     */
    record Plain(Tensor mask, int rows, int cols) implements PreparedMask {
        /** Checks that the mask holds {@code rows x cols} values. */
        public Plain {
            requireShape(mask, rows, cols);
        }

        @Override
        public void close() {}
    }
}
