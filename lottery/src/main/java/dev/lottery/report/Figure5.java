package dev.lottery.report;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;

/**
 * The paper's Figure 5 (Section 4, Question 3): conv2 and conv4 pruned at 20 % per level on the convolutions only,
 * the fully-connected layers only, or both; per network, the convergence iteration (minimum validation loss) and
 * the test accuracy there against the percent of weights remaining. Drawn from {@code <model>-q3-conv|fc|both}.
 */
final class Figure5 {
    static final List<String> MODELS = List.of("conv2", "conv4");
    static final List<String> VARIANTS = List.of("conv", "fc", "both");
    private static final List<Color> COLORS = List.of(new Color(0xC8, 0x2B, 0x2B), new Color(0x2B, 0x6C, 0xB0), new Color(0x3A, 0x9E, 0x4F));

    private Figure5() {}

    /** Two panels per network with at least one variant present; empty when none is. */
    static List<XYChart> charts(ResultsRoot root) {
        List<XYChart> charts = new ArrayList<>();
        for (String model : MODELS) {
            List<RemainingCurves.Curve> curves = new ArrayList<>();
            for (int i = 0; i < VARIANTS.size(); i++) {
                String variant = VARIANTS.get(i);
                Color color = COLORS.get(i);
                root.get(model + "-q3-" + variant).ifPresent(r -> curves.addAll(RemainingCurves.ticketAndReinit(variant + " pruned", r, color)));
            }
            if (curves.isEmpty()) continue;
            charts.add(RemainingCurves.panel("Figure 5: " + model + " convergence (min. validation loss)", "iteration", curves,
                    RemainingCurves.CONVERGENCE_ITERATION, false));
            charts.add(RemainingCurves.panel("Figure 5: " + model + " test accuracy at convergence", "test accuracy", curves,
                    RemainingCurves.ACCURACY_AT_CONVERGENCE, true));
        }
        return charts;
    }
}
