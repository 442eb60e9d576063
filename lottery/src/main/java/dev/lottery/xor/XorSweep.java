package dev.lottery.xor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * A study of the choices the paper's XOR appendix leaves open: every training setting of {@link #trainings}
 * (optimizer × learning rate × loss reduction × ReLU'(0)) is run once — Figure 9 and Figure 10 — and judged under
 * every pair of success criteria of {@link #CRITERIA}; each cell is scored against the paper by {@link XorFit}.
 */
public final class XorSweep {
    /**
     * Learning rates tried with gradient descent. With the summed loss each is effectively four times larger, so
     * the grid spans 0.1 to 4 (the edge of stable training); sum at 0.25 repeats mean at 1.0 exactly.
     */
    static final float[] GD_RATES = {0.1f, 0.25f, 0.5f, 1.0f};
    /** Learning rates tried with Adam: its usual default 0.001 up to 0.1, where training breaks down. */
    static final float[] ADAM_RATES = {0.001f, 0.003f, 0.01f, 0.1f};
    /** Every decision-boundary reading with every zero-loss reading. */
    public static final List<XorCriteria> CRITERIA = criteria();

    /**
     * One training setting judged one way.
     *
     * @param training how the networks trained
     * @param criteria how success was judged
     * @param tables   Figures 9 and 10 under those criteria
     * @param fit      how close {@code tables} come to the paper's
     */
    public record Cell(XorTraining training, XorCriteria criteria, XorTables tables, XorFit fit) {
    }

    private XorSweep() {
    }

    /**
     * The grid's training settings, each with {@code iterations} steps.
     *
     * @param iterations full-batch steps per network, at least 0
     * @return a new list: every optimizer × ReLU'(0) × reduction × that optimizer's learning rates, 32 settings
     */
    public static List<XorTraining> trainings(int iterations) {
        List<XorTraining> grid = new ArrayList<>();
        for (XorTraining.Optimizer optimizer : XorTraining.Optimizer.values()) {
            float[] rates = optimizer == XorTraining.Optimizer.GD ? GD_RATES : ADAM_RATES;
            for (int slope = 0; slope <= 1; slope++) {
                for (XorTraining.Reduction reduction : XorTraining.Reduction.values()) {
                    for (float lr : rates) grid.add(new XorTraining(optimizer, lr, reduction, slope, iterations));
                }
            }
        }
        return grid;
    }

    /**
     * Runs {@code trainings} with {@code trials} networks per configuration and returns every cell, best fit
     * first; {@code progress} hears one line per training setting as it finishes.
     *
     * @param seed      draws every θ0; every setting starts from the same networks
     * @param trials    networks per width and per ticket, positive
     * @param trainings the settings to run, e.g. {@link #trainings(int)}
     * @param progress  called on the calling thread, once per setting, with its number, description and seconds
     * @return {@code trainings.size() * CRITERIA.size()} cells, sorted by {@link XorFit#BEST_FIRST}
     */
    public static List<Cell> run(long seed, int trials, List<XorTraining> trainings, Consumer<String> progress) {
        List<Cell> cells = new ArrayList<>();
        int done = 0;
        for (XorTraining training : trainings) {
            long start = System.nanoTime();
            XorExperiment.Trained trained = new XorExperiment(seed, trials, new XorTrainer(training)).train();
            for (XorCriteria criteria : CRITERIA) {
                XorTables tables = trained.tables(criteria);
                cells.add(new Cell(training, criteria, tables, XorFit.of(tables, XorTables.PAPER)));
            }
            progress.accept(String.format(Locale.ROOT, "%d/%d %s (%.1f s)", ++done, trainings.size(),
                    training.describe(), (System.nanoTime() - start) / 1e9));
        }
        cells.sort(Comparator.comparing(Cell::fit, XorFit.BEST_FIRST));
        return cells;
    }

    private static List<XorCriteria> criteria() {
        List<XorCriteria> all = new ArrayList<>();
        for (XorCriteria.DecisionBoundary db : XorCriteria.DecisionBoundary.values()) {
            for (XorCriteria.ZeroLoss zl : XorCriteria.ZeroLoss.values()) all.add(new XorCriteria(db, zl));
        }
        return List.copyOf(all);
    }
}
