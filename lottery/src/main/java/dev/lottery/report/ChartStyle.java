package dev.lottery.report;

import dev.lottery.experiment.PruningMode;
import dev.lottery.experiment.control.Control;
import dev.lottery.experiment.control.Controls;
import java.awt.BasicStroke;
import java.awt.Color;
import java.util.List;
import java.util.TreeSet;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The look shared by the report's charts: the paper's colours per arm, mean lines with min/max bands. */
final class ChartStyle {
    private ChartStyle() {}

    /**
     * Ticket red (iterative) / blue (one-shot), reinit orange, rearrange green, as in the paper's Figure 3; controls
     * beyond the paper take one of {@link #LEVEL_COLORS} by their place in the registry (the first one purple).
     */
    static Color armColor(PruningMode mode, Control arm) {
        if (arm.equals(Controls.TICKET)) return mode == PruningMode.ONESHOT ? new Color(0x2B, 0x6C, 0xB0) : new Color(0xC8, 0x2B, 0x2B);
        if (arm.equals(Controls.REINIT)) return new Color(0xF2, 0x8E, 0x2B);
        if (arm.equals(Controls.REARRANGE)) return new Color(0x3A, 0x9E, 0x4F);
        return LEVEL_COLORS.get((Controls.all().indexOf(arm) + 1) % LEVEL_COLORS.size());
    }

    /** Distinct colours for curves of one arm at several levels. */
    static final List<Color> LEVEL_COLORS = List.of(new Color(0x1F, 0x77, 0xB4), new Color(0xFF, 0x7F, 0x0E), new Color(0x2C, 0xA0, 0x2C),
            new Color(0xD6, 0x27, 0x28), new Color(0x94, 0x67, 0xBD), new Color(0x8C, 0x56, 0x4B), new Color(0xE3, 0x77, 0xC2));

    static XYChart chart(String title, String x, String y, int width, int height) {
        XYChart c = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(x).yAxisTitle(y).build();
        XYStyler s = c.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotGridLinesColor(new Color(0xE0, 0xE0, 0xE0));
        s.setLegendBorderColor(Color.LIGHT_GRAY);
        s.setLegendPosition(Styler.LegendPosition.InsideSE);
        s.setMarkerSize(6);
        c.getStyler().setChartTitleFont(c.getStyler().getChartTitleFont().deriveFont(13f));
        return c;
    }

    /** A mean line (with legend entry) and a translucent band from min to max (without). */
    static void meanWithBand(XYChart c, String name, double[] x, double[] mean, double[] min, double[] max, Color color, boolean markers) {
        if (x.length == 0) return;
        if (x.length > 1) {
            double[] bx = new double[x.length * 2];
            double[] by = new double[x.length * 2];
            for (int i = 0; i < x.length; i++) {
                bx[i] = x[i];
                by[i] = max[i];
                bx[bx.length - 1 - i] = x[i];
                by[by.length - 1 - i] = min[i];
            }
            XYSeries band = c.addSeries(name + " (min-max)", bx, by);
            band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
            Color fill = new Color(color.getRed(), color.getGreen(), color.getBlue(), 45);
            band.setFillColor(fill);
            band.setLineColor(fill);
            band.setMarker(SeriesMarkers.NONE);
            band.setShowInLegend(false);
        }
        XYSeries line = c.addSeries(name, x, mean);
        line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        line.setLineColor(color);
        line.setLineWidth(2f);
        line.setMarker(markers || x.length == 1 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        line.setMarkerColor(color);
    }

    /** A horizontal min-max segment with a dot at the mean (a convergence time with its spread). */
    static void dotWithRange(XYChart c, String name, double mean, double min, double max, double y, Color color) {
        XYSeries range = c.addSeries(name + " range", new double[] {min, max}, new double[] {y, y});
        range.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        range.setLineColor(color);
        range.setLineWidth(1.5f);
        range.setLineStyle(new BasicStroke(1.5f));
        range.setMarker(SeriesMarkers.NONE);
        range.setShowInLegend(false);
        XYSeries dot = c.addSeries(name, new double[] {mean}, new double[] {y});
        dot.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        dot.setMarker(SeriesMarkers.CIRCLE);
        dot.setMarkerColor(color);
        dot.setShowInLegend(false);
    }

    /** Up to {@code n} levels spread evenly over {@code levels} (first and last always included). */
    static List<Integer> spread(List<Integer> levels, int n) {
        if (levels.size() <= n) return levels;
        TreeSet<Integer> picked = new TreeSet<>();
        for (int i = 0; i < n; i++) picked.add(levels.get((int) Math.round(i * (levels.size() - 1) / (double) (n - 1))));
        return List.copyOf(picked);
    }
}
