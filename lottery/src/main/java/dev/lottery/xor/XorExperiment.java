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

    public XorExperiment(long seed, int trials, XorTrainer trainer) {
        if (trials <= 0) throw new IllegalArgumentException("trials must be positive");
        this.seed = seed;
        this.trials = trials;
        this.trainer = trainer;
    }

    /** A trained batch together with the θ0 it started from and which original units it kept. */
    private record Trained(XorBatch theta0, XorBatch trained, XorOutcome outcome, int[][] originalUnits) {
    }

    public XorTables run() {
        List<XorTables.Figure9Row> fig9 = new ArrayList<>();
        Trained ten = null;
        for (int width : FIGURE9_WIDTHS) {
            Trained t = trainFresh(width);
            if (width == START_WIDTH) ten = t;
            fig9.add(new XorTables.Figure9Row(width, t.outcome.decisionBoundaryPercent(), t.outcome.zeroLossPercent()));
        }
        List<XorTables.Figure10Row> fig10 = new ArrayList<>();
        fig10.add(oneShot(ten, PruningHeuristic.MAGNITUDE_PRODUCT));
        for (PruningHeuristic h : new PruningHeuristic[]{PruningHeuristic.INPUT_MAGNITUDE,
                PruningHeuristic.OUTPUT_MAGNITUDE, PruningHeuristic.MAGNITUDE_PRODUCT}) {
            fig10.add(iterative(ten, h));
        }
        return new XorTables(fig9, fig10);
    }

    /** Random networks of {@code width} hidden units, trained. */
    Trained trainFresh(int width) {
        XorBatch theta0 = XorBatch.initialize(seed, trials, width);
        int[][] all = new int[trials][width];
        for (int[] units : all) for (int k = 0; k < width; k++) units[k] = k;
        return train(theta0, all);
    }

    private Trained train(XorBatch theta0, int[][] originalUnits) {
        XorBatch trained = theta0.copy();
        trainer.train(trained);
        return new Trained(theta0, trained, XorOutcome.of(trained), originalUnits);
    }

    /**
     * Prunes {@code from}'s trained network to {@code keep} units by {@code h}, resets the survivors to their
     * values in the ten-unit θ0 and trains that ticket.
     */
    private Trained pruneResetTrain(Trained ten, Trained from, PruningHeuristic h, int keep) {
        int[][] local = h.keep(from.trained, keep);
        int[][] original = new int[trials][keep];
        for (int t = 0; t < trials; t++) {
            for (int j = 0; j < keep; j++) original[t][j] = from.originalUnits[t][local[t][j]];
        }
        return train(ten.theta0.select(original), original);
    }

    /** Paper's first row: one-shot pruning of the trained ten-unit network straight to 4 and to 2 units. */
    private XorTables.Figure10Row oneShot(Trained ten, PruningHeuristic h) {
        Trained four = pruneResetTrain(ten, ten, h, 4);
        Trained two = pruneResetTrain(ten, ten, h, 2);
        return row("One-shot " + h.label(), ten, four, two);
    }

    /** Iterative pruning, two units per round: 10 → 8 → 6 → 4 → 2, each ticket reset to θ0 and retrained. */
    private XorTables.Figure10Row iterative(Trained ten, PruningHeuristic h) {
        Trained current = ten, four = null;
        for (int keep = START_WIDTH - 2; keep >= 2; keep -= 2) {
            current = pruneResetTrain(ten, current, h, keep);
            if (keep == 4) four = current;
        }
        return row(h.label(), ten, four, current);
    }

    private static XorTables.Figure10Row row(String name, Trained ten, Trained four, Trained two) {
        XorOutcome t = ten.outcome;
        return new XorTables.Figure10Row(name, t.decisionBoundaryPercent(), t.zeroLossPercent(),
                four.outcome.decisionBoundaryPercentAlso(t), four.outcome.zeroLossPercentAlso(t),
                two.outcome.decisionBoundaryPercentAlso(t), two.outcome.zeroLossPercentAlso(t));
    }
}
