package dev.lottery.report;

import dev.lottery.experiment.PruningMode;
import dev.lottery.experiment.control.Control;
import dev.lottery.experiment.control.Controls;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;

/**
 * Panels of a quantity against the percent of weights remaining (log axis) that compare several experiments, as in
 * the paper's Figures 4, 5 and 7: one mean line with a min/max band per (experiment, arm); random reinitialization
 * is drawn dashed in its experiment's colour.
 */
final class RemainingCurves {
    private RemainingCurves() {}

    /** Section 4's footnote: convergence is the iteration of minimum validation loss (test loss without a holdout). */
    static final ToDoubleFunction<UnitResult> CONVERGENCE_ITERATION =
            u -> u.minimumLoss() == null ? Double.NaN : u.minimumLoss().iteration();
    static final ToDoubleFunction<UnitResult> ACCURACY_AT_CONVERGENCE =
            u -> u.minimumLoss() == null ? Double.NaN : u.minimumLoss().testAccuracy();

    /** One curve: {@code label}, its experiment, which arm, and its colour. */
    record Curve(String label, ExperimentResults results, Control arm, Color color) {}

    /** The ticket curve and, when the experiment ran it, the reinit control, both in {@code color}. */
    static List<Curve> ticketAndReinit(String label, ExperimentResults r, Color color) {
        List<Curve> out = new ArrayList<>();
        out.add(new Curve(label, r, Controls.TICKET, color));
        if (r.arms().contains(Controls.REINIT)) out.add(new Curve(label + " (reinit)", r, Controls.REINIT, color));
        return out;
    }

    static XYChart panel(String title, String y, List<Curve> curves, ToDoubleFunction<UnitResult> f, boolean accuracy) {
        XYChart c = ChartStyle.chart(title, "percent of weights remaining (log scale)", y, 560, 420);
        c.getStyler().setXAxisLogarithmic(true);
        c.getStyler().setXAxisDecimalPattern("0.#");
        c.getStyler().setYAxisDecimalPattern(accuracy ? "0.000" : "#,##0");
        // iteration axes start at 0 (below), so the bottom is where curves are not
        c.getStyler().setLegendPosition(accuracy ? Styler.LegendPosition.InsideSE : Styler.LegendPosition.InsideS);
        double lo = Double.POSITIVE_INFINITY;
        for (Curve curve : curves) {
            double[][] rows = points(curve.results(), curve.arm(), f);
            if (rows.length == 0) continue;
            double[] x = column(rows, 0), mean = column(rows, 1), min = column(rows, 2), max = column(rows, 3);
            for (double v : min) lo = Math.min(lo, v);
            ChartStyle.meanWithBand(c, curve.label(), x, mean, min, max, curve.color(), true);
            if (curve.arm().equals(Controls.REINIT)) {
                XYSeries line = c.getSeriesMap().get(curve.label());
                line.setLineStyle(SeriesLines.DASH_DASH);
            }
        }
        // iterations from 0, so a shorter convergence reads as a proportionally lower point
        if (!accuracy) c.getStyler().setYAxisMin(0.0);
        if (accuracy && lo < Double.POSITIVE_INFINITY) {
            c.getStyler().setYAxisMin(Math.max(0, Math.floor((lo - 0.01) * 100) / 100));
            c.getStyler().setYAxisMax(1.0);
        }
        return c;
    }

    /**
     * Rows {@code [percent remaining, mean, min, max]} of {@code f} over trials, one per finished level of the
     * iterative (else the first) mode, by increasing percent remaining.
     */
    static double[][] points(ExperimentResults r, Control arm, ToDoubleFunction<UnitResult> f) {
        PruningMode mode = r.iterativeOrFirst();
        List<double[]> rows = new ArrayList<>();
        for (int level : r.levels(mode, arm)) {
            List<UnitResult> trials = r.trials(mode, arm, level);
            Stats s = Stats.of(trials, f);
            if (s.count() == 0) continue;
            rows.add(new double[] {trials.getFirst().remaining() * 100, s.mean(), s.min(), s.max()});
        }
        rows.sort((a, b) -> Double.compare(a[0], b[0]));
        return rows.toArray(double[][]::new);
    }

    private static double[] column(double[][] rows, int i) {
        double[] out = new double[rows.length];
        for (int k = 0; k < rows.length; k++) out[k] = rows[k][i];
        return out;
    }
}
