package dev.lottery.report;

import dev.lottery.experiment.PruningMode;
import dev.lottery.experiment.Unit;
import dev.lottery.experiment.control.Controls;
import dev.lottery.nn.io.Npy;
import dev.lottery.prune.MaskFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The paper's Figure 8: for each layer, the normalized histogram of the initial values θ0 of the weights that
 * survive at several levels of (iterative, when run) ticket pruning, trial 0. Host-side: reads θ0 and masks from
 * the .npy files.
 */
final class Figure8 {
    private static final int BINS = 40;

    private Figure8() {}

    static List<XYChart> charts(ExperimentResults r) {
        PruningMode mode = r.iterativeOrFirst();
        List<Integer> levels = ChartStyle.spread(r.levels(mode, Controls.TICKET), 4);
        List<UnitResult> dense = r.trials(mode, Controls.TICKET, 0);
        if (dense.isEmpty() || !dense.getFirst().path().startsWith("trial-0/")) return List.of();
        Path theta0 = r.store().theta0Dir(0);
        List<XYChart> charts = new ArrayList<>();
        for (String layer : dense.getFirst().layerRemaining().keySet()) {
            float[] init = Npy.read(theta0.resolve(layer + ".npy")).floats();
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            for (float v : init) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            XYChart c = ChartStyle.chart("Figure 8: θ0 of surviving " + layer + " weights", "initial value", "density", 560, 420);
            c.getStyler().setLegendPosition(Styler.LegendPosition.InsideN);
            c.getStyler().setXAxisDecimalPattern("0.00");
            c.getStyler().setYAxisDecimalPattern("0.0");
            int colour = 0;
            for (int level : levels) {
                Unit u = level == 0 ? new Unit.Dense(0) : new Unit.Pruned(0, mode, Controls.TICKET, level);
                Path dir = r.store().unitDir(u);
                if (!r.store().isDone(u) || !Files.isRegularFile(MaskFiles.file(dir, layer))) continue;
                boolean[] keep = MaskFiles.readBooleans(dir, layer);
                double[] density = histogram(init, keep, lo, hi);
                double[] x = new double[BINS];
                for (int b = 0; b < BINS; b++) x[b] = lo + (b + 0.5) * (hi - lo) / BINS;
                long kept = 0;
                for (boolean k : keep) if (k) kept++;
                XYSeries s = c.addSeries(String.format(Locale.ROOT, "%.1f%% remain", 100.0 * kept / keep.length), x, density);
                s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
                s.setMarker(SeriesMarkers.NONE);
                s.setLineColor(ChartStyle.LEVEL_COLORS.get(colour++ % ChartStyle.LEVEL_COLORS.size()));
                s.setLineWidth(2f);
            }
            charts.add(c);
        }
        return charts;
    }

    /** Density (integrates to 1 over [lo, hi]) of the values where {@code keep} is true. */
    static double[] histogram(float[] values, boolean[] keep, double lo, double hi) {
        double[] counts = new double[BINS];
        long n = 0;
        double width = (hi - lo) / BINS;
        for (int i = 0; i < values.length; i++) {
            if (!keep[i]) continue;
            int b = (int) Math.min(BINS - 1, Math.max(0, Math.floor((values[i] - lo) / width)));
            counts[b]++;
            n++;
        }
        for (int b = 0; b < BINS; b++) counts[b] = n == 0 ? 0 : counts[b] / (n * width);
        return counts;
    }
}
