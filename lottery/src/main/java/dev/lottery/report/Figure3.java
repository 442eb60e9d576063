package dev.lottery.report;

import dev.lottery.experiment.PruningMode;
import dev.lottery.experiment.control.Control;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;

/**
 * The paper's Figure 3: per pruning mode (rows), the convergence iteration, the test accuracy at convergence and
 * (beyond the paper, robust to short runs) the final test accuracy, against the percent of weights remaining on
 * a log axis; one line per arm, mean over trials with min/max bands.
 */
final class Figure3 {
    private Figure3() {}

    static List<XYChart> charts(ExperimentResults r) {
        ConvergenceCriterion criterion = r.criterion();
        List<XYChart> charts = new ArrayList<>();
        for (PruningMode mode : r.modes()) {
            String m = mode.cliName();
            charts.add(panel(r, mode, m + ": convergence iteration (" + criterion.name().toLowerCase(Locale.ROOT).replace('_', ' ') + ")", "iteration",
                    u -> u.convergence(criterion) == null ? Double.NaN : u.convergence(criterion).iteration(), false));
            charts.add(panel(r, mode, m + ": test accuracy at convergence", "test accuracy",
                    u -> u.convergence(criterion) == null ? Double.NaN : u.convergence(criterion).testAccuracy(), true));
            charts.add(panel(r, mode, m + ": final test accuracy", "test accuracy", UnitResult::finalTestAccuracy, true));
        }
        return charts;
    }

    private static XYChart panel(ExperimentResults r, PruningMode mode, String title, String y, ToDoubleFunction<UnitResult> f, boolean accuracy) {
        XYChart c = ChartStyle.chart(title, "percent of weights remaining (log scale)", y, 560, 420);
        c.getStyler().setXAxisLogarithmic(true);
        c.getStyler().setXAxisDecimalPattern("0.#");
        c.getStyler().setYAxisDecimalPattern(accuracy ? "0.000" : "#,##0");
        c.getStyler().setLegendPosition(accuracy ? Styler.LegendPosition.InsideSE : Styler.LegendPosition.InsideNE);
        double lo = Double.POSITIVE_INFINITY;
        for (Control arm : r.arms()) {
            List<Integer> levels = r.levels(mode, arm);
            List<double[]> rows = new ArrayList<>();
            for (int level : levels) {
                List<UnitResult> trials = r.trials(mode, arm, level);
                Stats s = Stats.of(trials, f);
                if (s.count() == 0) continue;
                rows.add(new double[] {trials.getFirst().remaining() * 100, s.mean(), s.min(), s.max()});
            }
            if (rows.isEmpty()) continue;
            rows.sort((a, b) -> Double.compare(a[0], b[0]));
            double[] x = rows.stream().mapToDouble(v -> v[0]).toArray();
            double[] mean = rows.stream().mapToDouble(v -> v[1]).toArray();
            double[] min = rows.stream().mapToDouble(v -> v[2]).toArray();
            double[] max = rows.stream().mapToDouble(v -> v[3]).toArray();
            for (double v : min) lo = Math.min(lo, v);
            ChartStyle.meanWithBand(c, arm.name(), x, mean, min, max, ChartStyle.armColor(mode, arm), true);
        }
        if (accuracy && lo < Double.POSITIVE_INFINITY) {
            c.getStyler().setYAxisMin(Math.max(0, Math.floor((lo - 0.01) * 100) / 100));
            c.getStyler().setYAxisMax(1.0);
        }
        return c;
    }
}
