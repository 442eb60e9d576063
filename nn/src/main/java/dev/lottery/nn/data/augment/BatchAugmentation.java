package dev.lottery.nn.data.augment;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.rng.KeyedRandom;
import dev.lottery.nn.tensor.Tensor;

/**
 * Random horizontal flips and translations ("pad by {@code maxShift} and crop at random") of a gathered mini-batch,
 * as He et al. train CIFAR-10 resnets. The draws for an example depend only on (seed, epoch, example index): from
 * the stream (seed, "augment", "epoch-e"), element {@code 3i} decides the flip ({@code U < 0.5}), elements
 * {@code 3i+1} and {@code 3i+2} the vertical and horizontal shifts ({@code floor(U * (2m+1)) - m}). The images
 * are moved by {@link Backend#shiftAndFlip} where the batch lives; only the three small per-example arrays are
 * computed on the host, like the batch order.
 *
 * @param maxShift largest translation in pixels (4 for the resnet), 0 for none
 * @param flip     whether to mirror half of the images left-right
 */
public record BatchAugmentation(int maxShift, boolean flip) {
    /** No augmentation. */
    public static final BatchAugmentation NONE = new BatchAugmentation(0, false);
    /** He et al.'s CIFAR-10 augmentation: 4-pixel translations and horizontal flips. */
    public static final BatchAugmentation FLIP_AND_TRANSLATE = new BatchAugmentation(4, true);

    /** Checks that the shift is not negative. */
    public BatchAugmentation {
        if (maxShift < 0) throw new IllegalArgumentException("negative shift " + maxShift);
    }

    /** {@return whether batches are left as they are (no shift and no flip)} */
    public boolean isNone() {
        return maxShift == 0 && !flip;
    }

    /**
     * {@return the settings as one line, {@code none} or {@code augment(shift=...,flip=...)}: equal settings give
     * equal text, so results can record it}
     */
    public String canonical() {
        return isNone() ? "none" : "augment(shift=" + maxShift + ",flip=" + flip + ")";
    }

    /**
     * The draws for one batch: per example (in batch order) the shifts and the flip.
     *
     * @param shiftY each example's row shift in pixels, in {@code [-maxShift, maxShift]}
     * @param shiftX each example's column shift in pixels, in {@code [-maxShift, maxShift]}
     * @param flip   whether each example is mirrored left-right; all false when flips are off
     */
    public record Draws(int[] shiftY, int[] shiftX, boolean[] flip) {}

    /**
     * Draws for the examples {@code order[from .. from+count)} in epoch {@code epoch}.
     *
     * @param seed  the training run's seed; with the epoch it keys the stream
     * @param epoch the epoch, from 0; every epoch draws afresh
     * @param order the epoch's example order (data-set indices), read only
     * @param from  index into {@code order} of the batch's first example
     * @param count the batch size; {@code from + count} must not exceed {@code order.length}
     * @return new arrays of {@code count} draws each; an example's draws depend on its data-set index, not on its
     *         place in the order
     */
    public Draws draws(long seed, long epoch, int[] order, int from, int count) {
        KeyedRandom rng = new KeyedRandom(seed, "augment", "epoch-" + epoch);
        int[] dy = new int[count], dx = new int[count];
        boolean[] mirror = new boolean[count];
        int span = 2 * maxShift + 1;
        for (int i = 0; i < count; i++) {
            long example = order[from + i];
            mirror[i] = flip && rng.uniform(3 * example) < 0.5;
            dy[i] = Math.min((int) (rng.uniform(3 * example + 1) * span), span - 1) - maxShift;
            dx[i] = Math.min((int) (rng.uniform(3 * example + 2) * span), span - 1) - maxShift;
        }
        return new Draws(dy, dx, mirror);
    }

    /**
     * Writes the augmented batch {@code src} (examples {@code order[from .. from+count)}, NCHW images of
     * {@code channels x height x width}) into {@code dst}.
     *
     * @param backend  the backend both tensors live on
     * @param src      the gathered batch {@code [count, channels, height, width]}, read only
     * @param dst      output of the same shape, overwritten; a tensor other than {@code src}
     * @param channels channels of one image
     * @param height   rows of one image
     * @param width    columns of one image
     * @param seed     the training run's seed; with the epoch it keys the draws
     * @param epoch    the epoch, from 0
     * @param order    the epoch's example order (data-set indices), read only
     * @param from     index into {@code order} of the batch's first example
     * @param count    the batch size, the leading dimension of {@code src}
     */
    public void apply(Backend backend, Tensor src, Tensor dst, int channels, int height, int width, long seed, long epoch,
                      int[] order, int from, int count) {
        Draws d = draws(seed, epoch, order, from, count);
        backend.shiftAndFlip(src, dst, channels, height, width, d.shiftY(), d.shiftX(), d.flip());
    }
}
