package dev.lottery.prune;

import dev.lottery.nn.model.LayerKind;
import dev.lottery.nn.model.Network;
import dev.lottery.nn.model.Parameter;
import java.util.List;

/**
 * How many weights of one prunable tensor survive (read from its mask in the backend: one scalar per tensor).
 *
 * @param name      the parameter's name, e.g. {@code fc1.weight}
 * @param kind      the kind of its layer, which sets its pruning rate
 * @param total     its weights, pruned or not
 * @param remaining its surviving weights, from 0 to {@code total}
 */
public record SurvivorCount(String name, LayerKind kind, long total, long remaining) {
    /**
     * The fraction of the weights that survive.
     *
     * @return {@code remaining / total}, in [0, 1]
     */
    public double fraction() {
        return (double) remaining / total;
    }

    /**
     * The survivors of each of {@code network}'s prunable tensors, in layer order.
     *
     * @param network the network whose masks are counted
     * @return one count per prunable tensor; unmodifiable
     */
    public static List<SurvivorCount> of(Network network) {
        return network.prunable().stream()
                .map(p -> new SurvivorCount(p.name(), p.kind(), p.size(), network.backend().countNonZero(p.mask())))
                .toList();
    }

    /**
     * Fraction of all prunable weights that survive.
     *
     * @param counts the counts of a network's prunable tensors
     * @return surviving weights over all weights, in [0, 1]; each weight counts alike, so large layers dominate
     */
    public static double overall(List<SurvivorCount> counts) {
        long total = counts.stream().mapToLong(SurvivorCount::total).sum();
        long remaining = counts.stream().mapToLong(SurvivorCount::remaining).sum();
        return (double) remaining / total;
    }

    /**
     * Throws when any masked weight of {@code network} is non-zero (the invariant every step must keep).
     *
     * @param network the network to check
     * @param when    names the moment in the exception's message, e.g. {@code "trial 0 dense level 0 after training"}
     * @throws IllegalStateException naming the first tensor with non-zero masked weights and how many there are
     */
    public static void requireMaskedWeightsZero(Network network, String when) {
        for (Parameter p : network.prunable()) {
            long bad = network.backend().countMaskViolations(p.value(), p.mask());
            if (bad != 0) throw new IllegalStateException(when + ": " + bad + " masked weights of " + p.name() + " are not zero");
        }
    }
}
