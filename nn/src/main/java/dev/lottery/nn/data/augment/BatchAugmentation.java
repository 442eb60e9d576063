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

    /** Whether batches are left as they are. */
    public boolean isNone() {
        return maxShift == 0 && !flip;
    }

    /** The settings as one line: {@code augment(shift=...,flip=...)}. */
    public String canonical() {
        return isNone() ? "none" : "augment(shift=" + maxShift + ",flip=" + flip + ")";
    }

    /** The draws for one batch: per example (in batch order) the shifts and the flip. */
    public record Draws(int[] shiftY, int[] shiftX, boolean[] flip) {}

    /** Draws for the examples {@code order[from .. from+count)} in epoch {@code epoch}. */
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
     */
    public void apply(Backend backend, Tensor src, Tensor dst, int channels, int height, int width, long seed, long epoch,
                      int[] order, int from, int count) {
        Draws d = draws(seed, epoch, order, from, count);
        backend.shiftAndFlip(src, dst, channels, height, width, d.shiftY(), d.shiftX(), d.flip());
    }
}
