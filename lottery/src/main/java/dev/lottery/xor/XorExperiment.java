package dev.lottery.xor;

import java.util.ArrayList;
import java.util.List;

/**
 * The XOR appendix of the paper: Figure 9 (random networks of 10, 8, 6, 4, 2 hidden units) and Figure 10
 * (winning tickets pruned from ten-unit networks, reset to θ0 and retrained).
 *
 * <p>All Figure 10 rows start from the same ten-unit networks — Figure 9's ten-unit trials — so the heuristics
 * are compared on identical initializations (the paper ran each row on its own 1,000 networks, which is why its
 * ten-unit columns differ slightly between rows).
 */
public final class XorExperiment {
    /** Hidden-layer widths of Figure 9, largest first. */
    public static final int[] FIGURE9_WIDTHS = {10, 8, 6, 4, 2};
    /** The width the pruning experiments start from. */
    public static final int START_WIDTH = 10;

    private final long seed;
    private final int trials;
    private final XorTrainer trainer;

    /**
     * {@code trials} trials from {@code seed}, each network trained by {@code trainer}.
     *
     * @param seed    draws every θ0; the same seed gives the same networks, bit for bit
     * @param trials  independent networks per width and per ticket, positive (the paper: 1,000)
     * @param trainer how every network trains
     */
    public XorExperiment(long seed, int trials, XorTrainer trainer) {
        if (trials <= 0) throw new IllegalArgumentException("trials must be positive");
        this.seed = seed;
        this.trials = trials;
        this.trainer = trainer;
    }

    /** A trained batch together with the θ0 it started from and which of the ten-unit θ0's units it kept. */
    private record Stage(XorBatch theta0, XorBatch trained, int[][] originalUnits) {
    }

    /**
     * Every network the experiment trained: Figure 9's batches (in {@link #FIGURE9_WIDTHS} order) and, per Figure
     * 10 row, the 4- and 2-unit tickets. Success is judged afterwards, so one training serves any
     * {@link XorCriteria}.
     *
     * @param figure9  one trained batch per width of {@link #FIGURE9_WIDTHS}, in that order
     * @param figure10 one entry per Figure 10 row: one-shot magnitude product, then iterative input magnitude, output
     *                 magnitude and magnitude product
     */
    public record Trained(List<XorBatch> figure9, List<Tickets> figure10) {
        /**
         * One Figure 10 row's winning tickets, trained; their parents are Figure 9's ten-unit networks.
         *
         * @param strategy the row's label, e.g. {@code One-shot Product} or {@code Input Magnitude}
         * @param four     the tickets pruned to 4 hidden units, trial t's pruned from trial t's ten-unit network
         * @param two      the tickets pruned to 2 hidden units
         */
        public record Tickets(String strategy, XorBatch four, XorBatch two) {
        }

        /**
         * Figures 9 and 10 with success judged by {@code criteria}.
         *
         * @param criteria what counts as a success
         * @return the two tables, success rates in percent of the trials
         */
        public XorTables tables(XorCriteria criteria) {
            List<XorTables.Figure9Row> fig9 = new ArrayList<>();
            XorOutcome ten = null;
            for (int i = 0; i < FIGURE9_WIDTHS.length; i++) {
                XorOutcome o = XorOutcome.of(figure9.get(i), criteria);
                if (FIGURE9_WIDTHS[i] == START_WIDTH) ten = o;
                fig9.add(new XorTables.Figure9Row(FIGURE9_WIDTHS[i], o.decisionBoundaryPercent(), o.zeroLossPercent()));
            }
            List<XorTables.Figure10Row> fig10 = new ArrayList<>();
            for (Tickets t : figure10) {
                XorOutcome four = XorOutcome.of(t.four, criteria), two = XorOutcome.of(t.two, criteria);
                fig10.add(new XorTables.Figure10Row(t.strategy, ten.decisionBoundaryPercent(), ten.zeroLossPercent(),
                        four.decisionBoundaryPercentAlso(ten), four.zeroLossPercentAlso(ten),
                        two.decisionBoundaryPercentAlso(ten), two.zeroLossPercentAlso(ten)));
            }
            return new XorTables(fig9, fig10);
        }
    }

    /**
     * Trains and judges with {@code criteria}.
     *
     * @param criteria what counts as a success
     * @return Figures 9 and 10, success rates in percent of the trials
     */
    public XorTables run(XorCriteria criteria) {
        return train().tables(criteria);
    }

    /**
     * Trains Figure 9's random networks and Figure 10's tickets, on the calling thread.
     *
     * @return every trained network, to be judged by any criteria
     */
    public Trained train() {
        List<XorBatch> fig9 = new ArrayList<>();
        Stage ten = null;
        for (int width : FIGURE9_WIDTHS) {
            Stage s = trainFresh(width);
            if (width == START_WIDTH) ten = s;
            fig9.add(s.trained);
        }
        List<Trained.Tickets> fig10 = new ArrayList<>();
        fig10.add(oneShot(ten, PruningHeuristic.MAGNITUDE_PRODUCT));
        for (PruningHeuristic h : new PruningHeuristic[]{PruningHeuristic.INPUT_MAGNITUDE,
                PruningHeuristic.OUTPUT_MAGNITUDE, PruningHeuristic.MAGNITUDE_PRODUCT}) {
            fig10.add(iterative(ten, h));
        }
        return new Trained(fig9, fig10);
    }

    /** Random networks of {@code width} hidden units, trained. */
    private Stage trainFresh(int width) {
        XorBatch theta0 = XorBatch.initialize(seed, trials, width);
        int[][] all = new int[trials][width];
        for (int[] units : all) for (int k = 0; k < width; k++) units[k] = k;
        return train(theta0, all);
    }

    private Stage train(XorBatch theta0, int[][] originalUnits) {
        XorBatch trained = theta0.copy();
        trainer.train(trained);
        return new Stage(theta0, trained, originalUnits);
    }

    /**
     * Prunes {@code from}'s trained network to {@code keep} units by {@code h}, resets the survivors to their
     * values in the ten-unit θ0 and trains that ticket.
     */
    private Stage pruneResetTrain(Stage ten, Stage from, PruningHeuristic h, int keep) {
        int[][] local = h.keep(from.trained, keep);
        int[][] original = new int[trials][keep];
        for (int t = 0; t < trials; t++) {
            for (int j = 0; j < keep; j++) original[t][j] = from.originalUnits[t][local[t][j]];
        }
        return train(ten.theta0.select(original), original);
    }

    /** Paper's first row: one-shot pruning of the trained ten-unit network straight to 4 and to 2 units. */
    private Trained.Tickets oneShot(Stage ten, PruningHeuristic h) {
        return new Trained.Tickets("One-shot " + h.label(), pruneResetTrain(ten, ten, h, 4).trained,
                pruneResetTrain(ten, ten, h, 2).trained);
    }

    /** Iterative pruning, two units per round: 10 → 8 → 6 → 4 → 2, each ticket reset to θ0 and retrained. */
    private Trained.Tickets iterative(Stage ten, PruningHeuristic h) {
        Stage current = ten, four = null;
        for (int keep = START_WIDTH - 2; keep >= 2; keep -= 2) {
            current = pruneResetTrain(ten, current, h, keep);
            if (keep == 4) four = current;
        }
        return new Trained.Tickets(h.label(), four.trained, current.trained);
    }
}
