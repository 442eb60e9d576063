package dev.lottery.nn.backend.common;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.tensor.Tensor;
import java.util.List;

/**
 * The argument checks of {@link Backend#pruneSmallestMagnitudeGlobal}, shared by every backend so they refuse the
 * same requests with the same messages.
 */
public final class GlobalPruneRequest {
    private GlobalPruneRequest() {}

    /**
     * Validates a request to prune {@code count} weights across {@code weights}/{@code masks} and returns the number
     * of surviving (unmasked) weights, or 0 without counting when {@code count} is 0 (nothing to do).
     */
    public static long survivors(Backend backend, List<Tensor> weights, List<Tensor> masks, long count) {
        if (weights.size() != masks.size()) throw new IllegalArgumentException(weights.size() + " weights vs " + masks.size() + " masks");
        long total = 0;
        for (int t = 0; t < weights.size(); t++) {
            if (weights.get(t).size() != masks.get(t).size()) throw new IllegalArgumentException(weights.get(t) + " vs " + masks.get(t));
            total += weights.get(t).size();
        }
        if (total > Integer.MAX_VALUE) throw new IllegalArgumentException("global pruning over more than 2^31 weights");
        if (count < 0) throw new IllegalArgumentException("negative prune count " + count);
        if (count == 0) return 0;
        long alive = 0;
        for (Tensor m : masks) alive += backend.countNonZero(m);
        if (count > alive) throw new IllegalArgumentException("cannot prune " + count + " of " + alive + " surviving weights");
        return alive;
    }
}
