package dev.lottery.report;

import dev.lottery.experiment.PruningMode;
import dev.lottery.experiment.control.Controls;
import dev.lottery.nn.train.LearningRateSchedule;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.knowm.xchart.style.lines.SeriesLines;

/**
 * The paper's Figure 6 (Section 5), resnet trained with momentum against plain SGD. (a) Test accuracy as training
 * proceeds for the dense network and the ticket nearest 32.9 % of weights remaining (the paper's level), mean over
 * trials. (b) One panel per learning rate: test accuracy averaged over the last 1,000 iterations spent at that
 * rate, against the percent of weights remaining, tickets solid and reinit dashed. Drawn from
 * {@code resnet20-momentum} and {@code resnet20-sgd}.
 */
final class Figure6 {
    static final String MOMENTUM = "resnet20-momentum";
    static final String SGD = "resnet20-sgd";
    /** The paper's Figure 6a level: 0.8^5 of the weights. */
    private static final double SHOWN_REMAINING = 0.329;
    private static final long WINDOW = 1000;
    private static final Color MOMENTUM_COLOR = new Color(0x2B, 0x6C, 0xB0);
    private static final Color SGD_COLOR = new Color(0xC8, 0x2B, 0x2B);

    private Figure6() {}

    /** One constant-rate stretch of training, {@code [start, end)} in iterations. */
    record Segment(long start, long end, double rate) {
        /** Mean test accuracy over the evaluations in the last {@code WINDOW} iterations of the stretch. */
        double windowAccuracy(UnitResult u) {
            double sum = 0;
            int n = 0;
            long from = Math.max(start, end - WINDOW);
            for (int i = 0; i < u.iterations().length; i++) {
                long it = u.iterations()[i];
                if (it > from && it <= end && !Double.isNaN(u.testAccuracy()[i])) {
                    sum += u.testAccuracy()[i];
                    n++;
                }
            }
            return n == 0 ? Double.NaN : sum / n;
        }
    }

    /** The constant-rate stretches of an experiment's schedule. */
    static List<Segment> segments(ExperimentResults r) {
        LearningRateSchedule s = r.spec().training().optimizer().learningRate();
        long total = r.spec().training().iterations();
        List<Segment> out = new ArrayList<>();
        long start = 0;
        double rate = s.initial();
        for (LearningRateSchedule.Drop d : s.drops()) {
            if (d.at() >= total) break;
            out.add(new Segment(start, d.at(), rate));
            start = d.at();
            rate = d.rate();
        }
        out.add(new Segment(start, total, rate));
        return out;
    }

    /** Empty unless at least one of the two resnet experiments has results. */
    static List<XYChart> charts(ResultsRoot root) {
        Optional<ExperimentResults> momentum = root.get(MOMENTUM);
        Optional<ExperimentResults> sgd = root.get(SGD);
        if (momentum.isEmpty() && sgd.isEmpty()) return List.of();
        List<XYChart> charts = new ArrayList<>();
        charts.add(trainingCurves(momentum, sgd));
        // both presets share the schedule; the windows come from whichever ran
        List<Segment> segments = segments(momentum.or(() -> sgd).orElseThrow());
        List<RemainingCurves.Curve> curves = new ArrayList<>();
        momentum.ifPresent(r -> curves.addAll(RemainingCurves.ticketAndReinit("momentum", r, MOMENTUM_COLOR)));
        sgd.ifPresent(r -> curves.addAll(RemainingCurves.ticketAndReinit("SGD", r, SGD_COLOR)));
        for (Segment seg : segments) {
            ToDoubleFunction<UnitResult> f = seg::windowAccuracy;
            charts.add(RemainingCurves.panel(String.format(Locale.ROOT, "Figure 6b: rate %s, mean of its last %,d iterations (to %,d)",
                    seg.rate(), Math.min(WINDOW, seg.end() - seg.start()), seg.end()), "test accuracy", curves, f, true));
        }
        return charts;
    }

    /** Figure 6a: dense and ~32.9 % tickets of each optimizer, test accuracy against iterations. */
    private static XYChart trainingCurves(Optional<ExperimentResults> momentum, Optional<ExperimentResults> sgd) {
        XYChart c = ChartStyle.chart("Figure 6a: resnet test accuracy as training proceeds", "training iterations", "test accuracy", 560, 420);
        c.getStyler().setXAxisDecimalPattern("#,##0");
        c.getStyler().setYAxisDecimalPattern("0.00");
        momentum.ifPresent(r -> addLevels(c, "momentum", r, MOMENTUM_COLOR));
        sgd.ifPresent(r -> addLevels(c, "SGD", r, SGD_COLOR));
        return c;
    }

    private static void addLevels(XYChart c, String label, ExperimentResults r, Color color) {
        PruningMode mode = r.iterativeOrFirst();
        addCurve(c, label + " dense", r.trials(mode, Controls.TICKET, 0), color, false);
        int shown = -1;
        double best = Double.POSITIVE_INFINITY;
        for (int level : r.levels(mode, Controls.TICKET)) {
            if (level == 0) continue;
            double d = Math.abs(r.trials(mode, Controls.TICKET, level).getFirst().remaining() - SHOWN_REMAINING);
            if (d < best) {
                best = d;
                shown = level;
            }
        }
        if (shown > 0) {
            List<UnitResult> t = r.trials(mode, Controls.TICKET, shown);
            addCurve(c, String.format(Locale.ROOT, "%s %.1f%%", label, t.getFirst().remaining() * 100), t, color, true);
        }
    }

    /** Mean over trials at each evaluation (as many as the shortest trial has); the pruned curve dashed. */
    private static void addCurve(XYChart c, String name, List<UnitResult> trials, Color color, boolean dashed) {
        if (trials.isEmpty()) return;
        int n = trials.stream().mapToInt(t -> t.iterations().length).min().orElse(0);
        if (n == 0) return;
        double[] x = new double[n], mean = new double[n];
        for (int i = 0; i < n; i++) {
            final int k = i;
            x[i] = trials.getFirst().iterations()[i];
            mean[i] = Stats.of(trials, t -> t.testAccuracy()[k]).mean();
        }
        // the paper elides error bars here for legibility: a plain mean line
        XYSeries line = c.addSeries(name, x, mean);
        line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        line.setLineColor(color);
        line.setLineWidth(2f);
        line.setMarker(n == 1 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        line.setMarkerColor(color);
        if (dashed) line.setLineStyle(SeriesLines.DASH_DASH);
    }
}
