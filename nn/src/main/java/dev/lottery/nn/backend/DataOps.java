package dev.lottery.nn.backend;

import dev.lottery.nn.tensor.Tensor;

/** Mini-batches from a resident data set, and their augmentation. Index lists and draws are host-side arrays. */
public interface DataOps {
    /**
     * Gathers rows {@code order[from .. from+count)} of {@code source [n, features]} into {@code dst [count, features]}
     * (a mini-batch from the resident data set).
     *
     * @param source the resident data set {@code [n, features]}, read only
     * @param order  row indices into {@code source}, each in {@code [0, n)}; a host-side array, read only
     * @param from   index into {@code order} of the first row to gather
     * @param count  how many rows to gather; {@code from + count} must not exceed {@code order.length}
     * @param dst    output {@code [count, features]}, overwritten
     */
    void gatherRows(Tensor source, int[] order, int from, int count, Tensor dst);

    /**
     * Gathers elements {@code order[from .. from+count)} of the 1-D {@code source} into {@code dst [count]}.
     *
     * @param source the resident values {@code [n]} (e.g. labels), read only
     * @param order  indices into {@code source}, each in {@code [0, n)}; a host-side array, read only
     * @param from   index into {@code order} of the first element to gather
     * @param count  how many elements to gather; {@code from + count} must not exceed {@code order.length}
     * @param dst    output {@code [count]}, overwritten
     */
    void gather(Tensor source, int[] order, int from, int count, Tensor dst);

    /**
     * Declares that {@code data} (a data set's examples, {@code [n, features]}) will not change from now until it is
     * closed. A backend may derive forms of it that make the products reading it cheaper and keep them as long as the
     * tensor lives: the CPU backend writes an input that is mostly one background value (MNIST's black pixels) as that
     * value and the departures from it, which cuts a first layer's evaluation on the test set to about 40 % of the
     * multiply-adds (and rounds differently from the dense product). By default nothing is kept.
     *
     * @param data a tensor of this backend that no one writes again
     */
    default void markConstant(Tensor data) {}

    /**
     * Data augmentation of a gathered mini-batch {@code src [N, C, H, W]} into {@code dst} (another tensor): example n
     * is mirrored left-right when {@code flip[n]}, then shifted, with zeros where the source falls outside the image:
     * {@code dst[n,c,h,w] = src[n, c, h + shiftY[n], w' + shiftX[n]]}, {@code w' = flip[n] ? W-1-w : w}. Shifts in
     * [-4, 4] equal "pad by 4 and crop at random". The per-example draws are host-side, like a batch order.
     *
     * @param src      the gathered mini-batch {@code [N, C, H, W]}, read only
     * @param dst      output of the same shape, overwritten; must not be {@code src}
     * @param channels C, the channels of one image
     * @param height   H, the rows of one image
     * @param width    W, the columns of one image
     * @param shiftY   the row shift of each of the N examples, in pixels (positive reads further down)
     * @param shiftX   the column shift of each of the N examples, in pixels (positive reads further right)
     * @param flip     for each of the N examples, whether it is mirrored left-right before the shift
     */
    void shiftAndFlip(Tensor src, Tensor dst, int channels, int height, int width, int[] shiftY, int[] shiftX, boolean[] flip);
}
