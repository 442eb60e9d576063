package dev.lottery.report;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;

/**
 * The paper's Figure 4 (Section 4, Questions 1 and 2): for conv2 and conv4 pruned iteratively (fc 20 %, conv 10 %),
 * the convergence iteration (minimum validation loss) and the test accuracy there against the percent of weights
 * remaining; winning tickets solid, random reinitialization dashed. Drawn from {@code conv2-q1} and {@code conv4-q1}.
 */
final class Figure4 {
    static final List<String> EXPERIMENTS = List.of("conv2-q1", "conv4-q1");
    /** The paper's colours: conv2 blue, conv4 green. */
    private static final List<Color> COLORS = List.of(new Color(0x2B, 0x6C, 0xB0), new Color(0x3A, 0x9E, 0x4F));

    private Figure4() {}

    /** Empty when the root holds neither experiment. */
    static List<XYChart> charts(ResultsRoot root) {
        List<RemainingCurves.Curve> curves = new ArrayList<>();
        for (int i = 0; i < EXPERIMENTS.size(); i++) {
            String name = EXPERIMENTS.get(i);
            Color color = COLORS.get(i);
            root.get(name).ifPresent(r -> curves.addAll(RemainingCurves.ticketAndReinit(name.replace("-q1", ""), r, color)));
        }
        if (curves.isEmpty()) return List.of();
        return List.of(
                RemainingCurves.panel("Figure 4: convergence (min. validation loss)", "iteration", curves, RemainingCurves.CONVERGENCE_ITERATION, false),
                RemainingCurves.panel("Figure 4: test accuracy at convergence", "test accuracy", curves, RemainingCurves.ACCURACY_AT_CONVERGENCE, true));
    }
}
