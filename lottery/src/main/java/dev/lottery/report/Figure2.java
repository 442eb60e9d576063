package dev.lottery.report;

import dev.lottery.experiment.PruningMode;
import dev.lottery.experiment.control.Control;
import dev.lottery.experiment.control.Controls;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.knowm.xchart.XYChart;

/**
 * The paper's Figure 2: test accuracy as training proceeds, mean over trials with min/max bands and a dot (with
 * the earliest and latest trial) where the curve converges. Left: tickets at several levels. Right: tickets
 * against both controls at two levels. Uses one-shot results when present (as the paper), else iterative.
 */
final class Figure2 {
    private Figure2() {}

    static List<XYChart> charts(ExperimentResults r) {
        PruningMode mode = r.modes().contains(PruningMode.ONESHOT) ? PruningMode.ONESHOT : r.modes().getFirst();
        ConvergenceCriterion criterion = r.criterion();
        List<Integer> levels = ChartStyle.spread(r.levels(mode, Controls.TICKET), 5);
        XYChart left = ChartStyle.chart("Figure 2: " + mode.cliName() + " tickets (dots: convergence, " + criterion.name().toLowerCase(Locale.ROOT).replace('_', ' ') + ")",
                "training iterations", "test accuracy", 760, 520);
        double lowestLeft = 1;
        for (int i = 0; i < levels.size(); i++) {
            lowestLeft = Math.min(lowestLeft, addCurve(left, r, mode, Controls.TICKET, levels.get(i), ChartStyle.LEVEL_COLORS.get(i % ChartStyle.LEVEL_COLORS.size()), criterion));
        }
        XYChart right = ChartStyle.chart("Figure 2 (right): ticket vs " + r.arms().stream().filter(a -> !a.equals(Controls.TICKET))
                .map(Control::name).collect(Collectors.joining(" / ")), "training iterations", "test accuracy", 760, 520);
        List<Integer> ticketLevels = r.levels(mode, Controls.TICKET);
        List<Integer> compare = new ArrayList<>();
        if (!ticketLevels.isEmpty()) compare.add(0);
        int last = ticketLevels.isEmpty() ? 0 : ticketLevels.getLast();
        if (last >= 2) compare.add(last / 2);
        if (last >= 1) compare.add(last);
        int colour = 0;
        double lowest = 1;
        for (int level : compare) {
            for (Control arm : r.arms()) {
                if (level == 0 && !arm.equals(Controls.TICKET)) continue;
                Color c = ChartStyle.LEVEL_COLORS.get(colour++ % ChartStyle.LEVEL_COLORS.size());
                lowest = Math.min(lowest, addCurve(right, r, mode, arm, level, c, criterion));
            }
        }
        // the interesting part is near the top: start each axis a little below its lowest mean after the first evaluation
        double[] lows = {lowestLeft, lowest};
        List<XYChart> both = List.of(left, right);
        for (int i = 0; i < 2; i++) {
            XYChart c = both.get(i);
            c.getStyler().setYAxisMin(Math.max(0, Math.floor((lows[i] - 0.02) * 50) / 50));
            c.getStyler().setYAxisMax(1.0);
            c.getStyler().setXAxisDecimalPattern("#,##0");
        }
        return List.of(left, right);
    }

    /** Adds one curve; returns its lowest mean accuracy from the second evaluation on (for the axis range). */
    private static double addCurve(XYChart c, ExperimentResults r, PruningMode mode, Control arm, int level, Color color, ConvergenceCriterion criterion) {
        List<UnitResult> trials = r.trials(mode, arm, level);
        if (trials.isEmpty()) return 1;
        int n = trials.stream().mapToInt(t -> t.iterations().length).min().orElse(0);
        double[] x = new double[n], mean = new double[n], min = new double[n], max = new double[n];
        for (int i = 0; i < n; i++) {
            final int k = i;
            x[i] = trials.getFirst().iterations()[i];
            Stats s = Stats.of(trials, t -> t.testAccuracy()[k]);
            mean[i] = s.mean();
            min[i] = s.min();
            max[i] = s.max();
        }
        String name = String.format(Locale.ROOT, "%s %.1f%%%s", level == 0 ? "dense" : arm.name(), trials.getFirst().remaining() * 100,
                trials.size() > 1 ? "" : " (1 trial)");
        ChartStyle.meanWithBand(c, name, x, mean, min, max, color, false);
        Stats conv = Stats.of(trials, t -> t.convergence(criterion) == null ? Double.NaN : t.convergence(criterion).iteration());
        if (conv.count() > 0) {
            double y = interpolate(x, mean, conv.mean());
            ChartStyle.dotWithRange(c, name + " converged", conv.mean(), conv.min(), conv.max(), y, color);
        }
        double lowest = 1;
        for (int i = Math.min(1, n - 1); i < n; i++) lowest = Math.min(lowest, mean[i]);
        return lowest;
    }

    private static double interpolate(double[] x, double[] y, double at) {
        for (int i = 1; i < x.length; i++) {
            if (at <= x[i]) {
                double t = (at - x[i - 1]) / (x[i] - x[i - 1]);
                return y[i - 1] + t * (y[i] - y[i - 1]);
            }
        }
        return y[y.length - 1];
    }
}
