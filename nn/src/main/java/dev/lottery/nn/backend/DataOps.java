package dev.lottery.nn.backend;

import dev.lottery.nn.tensor.Tensor;

/** Mini-batches from a resident data set, and their augmentation. Index lists and draws are host-side arrays. */
public interface DataOps {
    /**
     * Gathers rows {@code order[from .. from+count)} of {@code source [n, features]} into {@code dst [count, features]}
     * (a mini-batch from the resident data set).
     */
    void gatherRows(Tensor source, int[] order, int from, int count, Tensor dst);

    /** Gathers elements {@code order[from .. from+count)} of the 1-D {@code source} into {@code dst [count]}. */
    void gather(Tensor source, int[] order, int from, int count, Tensor dst);

    /**
     * Data augmentation of a gathered mini-batch {@code src [N, C, H, W]} into {@code dst} (another tensor): example n
     * is mirrored left-right when {@code flip[n]}, then shifted, with zeros where the source falls outside the image:
     * {@code dst[n,c,h,w] = src[n, c, h + shiftY[n], w' + shiftX[n]]}, {@code w' = flip[n] ? W-1-w : w}. Shifts in
     * [-4, 4] equal "pad by 4 and crop at random". The per-example draws are host-side, like a batch order.
     */
    void shiftAndFlip(Tensor src, Tensor dst, int channels, int height, int width, int[] shiftY, int[] shiftX, boolean[] flip);
}
