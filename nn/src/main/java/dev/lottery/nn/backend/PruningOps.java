package dev.lottery.nn.backend;

import dev.lottery.nn.init.Initializer;
import dev.lottery.nn.rng.KeyedRandom;
import dev.lottery.nn.tensor.Tensor;
import java.util.List;

/**
 * Masks, magnitude pruning and the draws that reset weights (used by the lottery module). Masks are chosen where
 * the weights live, so a pruning round needs no weight copies to the host; only scalars (counts) come back. A
 * population's member is pruned through its slices of the stacked tensors ({@link Tensor#slice(int)}).
 */
public interface PruningOps {
    /** {@code w[mask == 0] = 0}. */
    void applyMask(Tensor w, Tensor mask);

    /** Number of entries of {@code t} that are not zero (for a mask: how many weights survive). */
    long countNonZero(Tensor t);

    /**
     * Number of entries with {@code mask == 0} but {@code w != 0}. Always 0 when the invariant "masked weights are
     * exactly zero" holds; the lottery module checks it after every training run.
     */
    long countMaskViolations(Tensor w, Tensor mask);

    /**
     * Sets {@code mask = 0} for exactly {@code count} currently unmasked entries of {@code w}: those with the smallest
     * {@code |w|}, ties broken by the lower flat index (deterministic on every backend). Does not touch {@code w};
     * callers re-apply the mask when they reset weights. {@code count} must not exceed the unmasked entries.
     */
    default void pruneSmallestMagnitude(Tensor w, Tensor mask, long count) {
        pruneSmallestMagnitudeGlobal(List.of(w), List.of(mask), count);
    }

    /**
     * As {@link #pruneSmallestMagnitude} but ranking all unmasked entries of all {@code weights} together (global
     * magnitude pruning). Ties are broken by the position in the list, then by the flat index.
     */
    void pruneSmallestMagnitudeGlobal(List<Tensor> weights, List<Tensor> masks, long count);

    /**
     * {@code dst[i] = src[permutation[i]]} over the flat index, for tensors of {@code permutation.length} entries
     * (e.g. a mask rearranged by a uniformly random permutation keeps its count of ones). {@code permutation} is a
     * host-side index list, like a mini-batch order.
     */
    void permute(Tensor src, int[] permutation, Tensor dst);

    /**
     * Fills {@code t} with {@code init}'s values for a tensor with these fans, drawn from {@code rng}: the same bits on
     * every backend. The default draws on the host and copies the values in; the CUDA backend draws on the device.
     */
    default void fillRandom(Tensor t, Initializer init, int fanIn, int fanOut, KeyedRandom rng) {
        float[] values = new float[Math.toIntExact(t.size())];
        init.fill(values, fanIn, fanOut, rng);
        t.copyFrom(values);
    }
}
