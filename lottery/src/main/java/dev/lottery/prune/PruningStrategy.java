package dev.lottery.prune;

import dev.lottery.nn.UserError;
import dev.lottery.nn.model.LayerKind;
import dev.lottery.nn.model.Network;
import dev.lottery.nn.model.Parameter;
import dev.lottery.nn.tensor.Tensor;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a network is pruned by magnitude: per layer at rates set by the layer's kind (the paper), or globally
 * across all prunable layers. The masks are changed in the backend; weights are left as they are (the caller
 * resets them, which re-applies the masks).
 *
 * <h2>Rounding rule (exact counts)</h2>
 * One pruning step on a group of weights with {@code r} survivors removes {@code round(rate * r)} of them
 * ({@link Math#round}: half up), so {@code r' = r - round(rate * r)}. A group is one layer for
 * {@link LayerwiseMagnitude} and all prunable layers together for {@link GlobalMagnitude}. Level {@code k} is
 * defined by applying the step {@code k} times to the dense count ({@link #remainingAfter}); one-shot pruning to
 * level {@code k} prunes the dense network straight to that count, so both modes keep the same number of weights
 * per group at every level.
 */
public sealed interface PruningStrategy {
    /**
     * One line naming the strategy completely (part of an experiment's hash).
     *
     * @return e.g. {@code layerwise_magnitude(fc=0.2,conv=0.1,output=0.1)}; {@link #parse} reads it back
     */
    String canonical();

    /**
     * Prunes one more level from the current masks (iterative pruning), ranking by the current weights.
     *
     * @param network the network whose masks change in its backend; its weights are left as they are
     */
    void pruneStep(Network network);

    /**
     * Prunes a dense (unpruned) network straight to {@code level} (one-shot pruning), ranking by the current weights.
     *
     * @param network a network whose masks keep every weight (else an {@link IllegalStateException}); its masks
     *                change, its weights are left as they are
     * @param level   the pruning level to reach, at least 0; the same counts as {@code level} calls of
     *                {@link #pruneStep}
     */
    void pruneTo(Network network, int level);

    /**
     * Throws when {@code counts} are not what {@code level} steps of this strategy leave (the invariant after every
     * pruning, for both modes).
     *
     * @param counts the survivors of every prunable tensor, as {@link SurvivorCount#of} reads them
     * @param level  the level the network should be at
     * @throws IllegalStateException naming the first tensor (or the total) whose count differs
     */
    void checkLevel(List<SurvivorCount> counts, int level);

    /**
     * Survivors of a group of {@code dense} weights after {@code level} steps at {@code rate} (the rounding rule).
     *
     * @param dense the group's weights before any pruning
     * @param rate  the fraction of the survivors each step removes, in [0, 1)
     * @param level the number of steps, at least 0
     * @return the survivors after {@code level} steps; {@code dense} at level 0
     */
    static long remainingAfter(long dense, double rate, int level) {
        long r = dense;
        for (int i = 0; i < level; i++) r -= Math.round(rate * r);
        return r;
    }

    /**
     * The paper's strategy: remove the smallest-magnitude fraction of each layer's surviving weights, at a rate set
     * by the layer's kind. A rate of 0 leaves that kind unpruned.
     *
     * @param fc     the rate of the hidden fully-connected layers, in [0, 1)
     * @param conv   the rate of the convolutional layers, in [0, 1)
     * @param output the rate of the output layer, in [0, 1)
     */
    record LayerwiseMagnitude(double fc, double conv, double output) implements PruningStrategy {
        /** Checks that every rate is in [0, 1). */
        public LayerwiseMagnitude {
            for (double r : new double[] {fc, conv, output}) {
                if (!(r >= 0 && r < 1)) throw new UserError("pruning rates must be in [0, 1), got " + r);
            }
        }

        /**
         * Fully-connected rate {@code fc}, output layer at half of it (the paper), no convolutions.
         *
         * @param fc the rate of the hidden fully-connected layers, in [0, 1)
         * @return the strategy, with convolutions unpruned
         */
        public static LayerwiseMagnitude fullyConnected(double fc) {
            return new LayerwiseMagnitude(fc, 0, fc / 2);
        }

        /**
         * The rate for layers of {@code kind}.
         *
         * @param kind the layer's kind
         * @return the fraction of that layer's survivors each step removes, in [0, 1)
         */
        public double rateFor(LayerKind kind) {
            return switch (kind) {
                case FULLY_CONNECTED -> fc;
                case CONVOLUTIONAL -> conv;
                case OUTPUT -> output;
            };
        }

        @Override
        public String canonical() {
            return String.format(Locale.ROOT, "layerwise_magnitude(fc=%s,conv=%s,output=%s)", fc, conv, output);
        }

        @Override
        public void pruneStep(Network network) {
            for (Parameter p : network.prunable()) {
                long alive = network.backend().countNonZero(p.mask());
                prune(network, p, alive - remainingAfter(alive, rateFor(p.kind()), 1));
            }
        }

        @Override
        public void pruneTo(Network network, int level) {
            for (Parameter p : network.prunable()) {
                long alive = network.backend().countNonZero(p.mask());
                if (alive != p.size()) throw new IllegalStateException("one-shot pruning needs a dense " + p.name());
                prune(network, p, alive - remainingAfter(alive, rateFor(p.kind()), level));
            }
        }

        @Override
        public void checkLevel(List<SurvivorCount> counts, int level) {
            for (SurvivorCount c : counts) {
                long want = remainingAfter(c.total(), rateFor(c.kind()), level);
                if (c.remaining() != want) {
                    throw new IllegalStateException(c.name() + " keeps " + c.remaining() + " weights at level " + level + ", expected " + want);
                }
            }
        }

        private static void prune(Network network, Parameter p, long count) {
            network.backend().pruneSmallestMagnitude(p.value(), p.mask(), count);
        }
    }

    /**
     * Removes the smallest-magnitude fraction of all surviving prunable weights, ranked together across layers.
     *
     * @param rate the fraction of all survivors each step removes, in [0, 1)
     */
    record GlobalMagnitude(double rate) implements PruningStrategy {
        /** Checks that the rate is in [0, 1). */
        public GlobalMagnitude {
            if (!(rate >= 0 && rate < 1)) throw new UserError("pruning rate must be in [0, 1), got " + rate);
        }

        @Override
        public String canonical() {
            return String.format(Locale.ROOT, "global_magnitude(rate=%s)", rate);
        }

        @Override
        public void pruneStep(Network network) {
            long alive = alive(network);
            prune(network, alive - remainingAfter(alive, rate, 1));
        }

        @Override
        public void pruneTo(Network network, int level) {
            long alive = alive(network);
            long dense = network.prunable().stream().mapToLong(Parameter::size).sum();
            if (alive != dense) throw new IllegalStateException("one-shot pruning needs a dense network");
            prune(network, alive - remainingAfter(alive, rate, level));
        }

        @Override
        public void checkLevel(List<SurvivorCount> counts, int level) {
            long total = counts.stream().mapToLong(SurvivorCount::total).sum();
            long remaining = counts.stream().mapToLong(SurvivorCount::remaining).sum();
            long want = remainingAfter(total, rate, level);
            if (remaining != want) throw new IllegalStateException(remaining + " weights remain at level " + level + ", expected " + want);
        }

        private static long alive(Network network) {
            return network.prunable().stream().mapToLong(p -> network.backend().countNonZero(p.mask())).sum();
        }

        private static void prune(Network network, long count) {
            List<Parameter> ps = network.prunable();
            List<Tensor> weights = ps.stream().map(Parameter::value).toList();
            List<Tensor> masks = ps.stream().map(Parameter::mask).toList();
            network.backend().pruneSmallestMagnitudeGlobal(weights, masks, count);
        }
    }

    /**
     * Reads {@link #canonical()} back; anything else is a one-line {@link UserError}.
     *
     * @param text exactly what {@link #canonical()} writes (numbers as Java prints doubles, e.g. {@code 0.2})
     * @return the strategy whose {@link #canonical()} is {@code text}
     */
    static PruningStrategy parse(String text) {
        Matcher m;
        try {
            if ((m = Pattern.compile("layerwise_magnitude\\(fc=([^,]+),conv=([^,]+),output=([^,)]+)\\)").matcher(text)).matches()) {
                return exactly(text, new LayerwiseMagnitude(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3))));
            }
            if ((m = Pattern.compile("global_magnitude\\(rate=([^,)]+)\\)").matcher(text)).matches()) return exactly(text, new GlobalMagnitude(Double.parseDouble(m.group(1))));
        } catch (NumberFormatException e) {
            // the one-line error below
        }
        throw new UserError("'" + text + "' is not a pruning strategy (expected e.g. layerwise_magnitude(fc=0.2,conv=0.1,output=0.1)"
                + " or global_magnitude(rate=0.2))");
    }

    private static PruningStrategy exactly(String text, PruningStrategy s) {
        if (!s.canonical().equals(text)) throw new UserError("'" + text + "' is not in canonical form (it reads back as '" + s.canonical() + "')");
        return s;
    }
}
