package dev.lottery.report;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;

/**
 * The paper's Figure 7 (Section 5): conv4 trained with dropout 0.5 (orange) against conv4 without (blue, the same
 * run as Figure 4's conv4), convergence iteration (minimum validation loss) and test accuracy there against the
 * percent of weights remaining. Drawn from {@code conv4-dropout} and {@code conv4-q1}.
 */
final class Figure7 {
    static final String DROPOUT = "conv4-dropout";
    static final String BASELINE = "conv4-q1";

    private Figure7() {}

    /** Empty unless the dropout experiment has results (the baseline is drawn when present). */
    static List<XYChart> charts(ResultsRoot root) {
        if (root.get(DROPOUT).isEmpty()) return List.of();
        List<RemainingCurves.Curve> curves = new ArrayList<>();
        root.get(BASELINE).ifPresent(r -> curves.addAll(RemainingCurves.ticketAndReinit("conv4", r, new Color(0x2B, 0x6C, 0xB0))));
        curves.addAll(RemainingCurves.ticketAndReinit("conv4 + dropout", root.get(DROPOUT).orElseThrow(), new Color(0xF2, 0x8E, 0x2B)));
        return List.of(
                RemainingCurves.panel("Figure 7: convergence (min. validation loss)", "iteration", curves, RemainingCurves.CONVERGENCE_ITERATION, false),
                RemainingCurves.panel("Figure 7: test accuracy at convergence", "test accuracy", curves, RemainingCurves.ACCURACY_AT_CONVERGENCE, true));
    }
}
