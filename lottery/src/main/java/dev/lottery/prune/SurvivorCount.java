package dev.lottery.prune;

import dev.lottery.nn.model.LayerKind;
import dev.lottery.nn.model.Network;
import dev.lottery.nn.model.Parameter;
import java.util.List;

/** How many weights of one prunable tensor survive (read from its mask in the backend: one scalar per tensor). */
public record SurvivorCount(String name, LayerKind kind, long total, long remaining) {
    /** The fraction of the weights that survive. */
    public double fraction() {
        return (double) remaining / total;
    }

    /** The survivors of each of {@code network}'s prunable tensors, in layer order. */
    public static List<SurvivorCount> of(Network network) {
        return network.prunable().stream()
                .map(p -> new SurvivorCount(p.name(), p.kind(), p.size(), network.backend().countNonZero(p.mask())))
                .toList();
    }

    /** Fraction of all prunable weights that survive. */
    public static double overall(List<SurvivorCount> counts) {
        long total = counts.stream().mapToLong(SurvivorCount::total).sum();
        long remaining = counts.stream().mapToLong(SurvivorCount::remaining).sum();
        return (double) remaining / total;
    }

    /** Throws when any masked weight of {@code network} is non-zero (the invariant every step must keep). */
    public static void requireMaskedWeightsZero(Network network, String when) {
        for (Parameter p : network.prunable()) {
            long bad = network.backend().countMaskViolations(p.value(), p.mask());
            if (bad != 0) throw new IllegalStateException(when + ": " + bad + " masked weights of " + p.name() + " are not zero");
        }
    }
}
