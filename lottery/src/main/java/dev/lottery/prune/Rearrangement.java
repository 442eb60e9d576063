package dev.lottery.prune;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.model.Network;
import dev.lottery.nn.model.Parameter;
import dev.lottery.nn.rng.KeyedRandom;
import dev.lottery.nn.tensor.Tensor;

/**
 * The random-rearrangement control: every prunable layer's mask is permuted by a uniformly random permutation of
 * its entries, so the layer keeps its number of connections but at uniformly random new positions. The
 * permutation of parameter {@code P} is keyed by ({@code seed}, {@code P}, {@code purpose}), so it depends on
 * nothing else (not on call order, not on the other layers).
 */
public final class Rearrangement {
    private Rearrangement() {}

    /**
     * Permutes, in place, the mask of every prunable layer of {@code network} by its keyed permutation.
     *
     * @param network the network whose masks are permuted; its weights are left as they are
     * @param seed    the trial's seed
     * @param purpose what the draw is for, e.g. the unit's {@code rearrange/iterative/level-3}, so that other units
     *                draw other permutations
     */
    public static void apply(Network network, long seed, String purpose) {
        Backend b = network.backend();
        for (Parameter p : network.prunable()) {
            int[] permutation = new KeyedRandom(seed, p.name(), purpose).permutation(Math.toIntExact(p.size()));
            try (Tensor moved = b.zeros(p.name() + ".mask.rearranged", p.mask().shape())) {
                b.permute(p.mask(), permutation, moved);
                b.copy(moved, p.mask());
            }
        }
    }
}
