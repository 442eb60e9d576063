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
    /**
     * {@code w[mask == 0] = 0}.
     *
     * @param w    weights, updated in place
     * @param mask the same number of values, 1 to keep and 0 to prune, read only
     */
    void applyMask(Tensor w, Tensor mask);

    /**
     * Counts the entries of {@code t} that are not zero (for a mask: how many weights survive).
     *
     * @param t any tensor on this backend, read only
     * @return the count, from 0 to {@code t.size()}
     */
    long countNonZero(Tensor t);

    /**
     * Number of entries with {@code mask == 0} but {@code w != 0}. Always 0 when the invariant "masked weights are
     * exactly zero" holds; the lottery module checks it after every training run.
     *
     * @param w    weights, read only
     * @param mask the weights' mask, the same number of values, read only
     * @return the number of violations, 0 when the invariant holds
     */
    long countMaskViolations(Tensor w, Tensor mask);

    /**
     * Sets {@code mask = 0} for exactly {@code count} currently unmasked entries of {@code w}: those with the smallest
     * {@code |w|}, ties broken by the lower flat index (deterministic on every backend). Does not touch {@code w};
     * callers re-apply the mask when they reset weights. {@code count} must not exceed the unmasked entries.
     *
     * @param w     weights whose magnitudes rank the entries, read only
     * @param mask  the weights' mask, the same number of values, updated in place
     * @param count how many more entries to prune, from 0 to the number still unmasked
     */
    default void pruneSmallestMagnitude(Tensor w, Tensor mask, long count) {
        pruneSmallestMagnitudeGlobal(List.of(w), List.of(mask), count);
    }

    /**
     * As {@link #pruneSmallestMagnitude} but ranking all unmasked entries of all {@code weights} together (global
     * magnitude pruning). Ties are broken by the position in the list, then by the flat index.
     *
     * @param weights the layers' weights, read only
     * @param masks   their masks, one per weight tensor and in the same order, updated in place
     * @param count   how many more entries to prune over all layers, from 0 to the number still unmasked
     */
    void pruneSmallestMagnitudeGlobal(List<Tensor> weights, List<Tensor> masks, long count);

    /**
     * {@code dst[i] = src[permutation[i]]} over the flat index, for tensors of {@code permutation.length} entries
     * (e.g. a mask rearranged by a uniformly random permutation keeps its count of ones). {@code permutation} is a
     * host-side index list, like a mini-batch order.
     *
     * @param src         the values to permute, read only
     * @param permutation for each destination index, the source index it takes; a permutation of
     *                    {@code 0 .. length-1}
     * @param dst         output of the same size, overwritten
     */
    void permute(Tensor src, int[] permutation, Tensor dst);

    /**
     * Fills {@code t} with {@code init}'s values for a tensor with these fans, drawn from {@code rng}: the same bits on
     * every backend. The default draws on the host and copies the values in; the CUDA backend draws on the device.
     *
     * @param t      the tensor to fill, overwritten
     * @param init   the distribution and its scaling
     * @param fanIn  inputs feeding each unit (for a convolution, in-channels times kernel area), used for scaling
     * @param fanOut units each input feeds (for a convolution, out-channels times kernel area), used for scaling
     * @param rng    the keyed stream of this tensor's draw; value i depends only on its key and i
     */
    default void fillRandom(Tensor t, Initializer init, int fanIn, int fanOut, KeyedRandom rng) {
        float[] values = new float[Math.toIntExact(t.size())];
        init.fill(values, fanIn, fanOut, rng);
        t.copyFrom(values);
    }
}
