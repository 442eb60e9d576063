package dev.lottery.report;

import dev.lottery.experiment.ResultsStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * The report of a results root: the figures that compare experiments (the paper's Figures 4-7), each drawn when
 * the root holds the experiments it needs, into {@code <root>/report/}, with a {@code report.md} that says which
 * experiment directory each name was read from and which figures could not be drawn yet.
 */
final class ComparisonReport {
    private ComparisonReport() {}

    /** One figure: its file name, what it needs, and its panels (empty when nothing it needs has results). */
    private record FigureFile(String file, String needs, List<XYChart> charts, int rows) {}

    static List<Path> write(Path root) {
        ResultsRoot results = ResultsRoot.load(root);
        Path out = root.resolve("report");
        List<Path> written = new ArrayList<>();
        List<FigureFile> figures = List.of(
                new FigureFile("figure4.png", String.join(", ", Figure4.EXPERIMENTS), Figure4.charts(results), 1),
                figure5(results),
                figure6(results),
                new FigureFile("figure7.png", Figure7.DROPOUT + " (+ " + Figure7.BASELINE + ")", Figure7.charts(results), 1));
        StringBuilder md = new StringBuilder("# Figures 4-7 — ").append(root.toAbsolutePath().normalize().getFileName()).append("\n\n");
        md.append("Convergence is the iteration of minimum validation loss (test loss without a holdout), as the paper's Section 4;")
                .append(" curves are means over the finished trials with min/max bands, random reinitialization dashed.\n\n");
        md.append("| experiment | directory | finished units |\n|---|---|---:|\n");
        for (Map.Entry<String, ExperimentResults> e : results.all().entrySet()) {
            md.append("| ").append(e.getKey()).append(" | ").append(e.getValue().store().dir().getFileName()).append(" | ")
                    .append(e.getValue().units().size()).append(" |\n");
        }
        md.append("\n");
        for (FigureFile f : figures) {
            if (f.charts().isEmpty()) {
                md.append("- ").append(f.file()).append(": not drawn (needs ").append(f.needs()).append(")\n");
                continue;
            }
            int cols = (f.charts().size() + f.rows() - 1) / f.rows();
            written.add(Report.png(out.resolve(f.file()), new ArrayList<Chart<?, ?>>(f.charts()), f.rows(), cols));
        }
        md.append("\n");
        for (Path p : written) md.append("![").append(p.getFileName()).append("](").append(p.getFileName()).append(")\n\n");
        Path mdFile = out.resolve("report.md");
        ResultsStore.writeText(mdFile, md.toString());
        written.add(mdFile);
        return written;
    }

    /** Figure 6 is a grid two panels wide: (a), then (b) per learning rate. */
    private static FigureFile figure6(ResultsRoot results) {
        List<XYChart> charts = Figure6.charts(results);
        return new FigureFile("figure6.png", Figure6.MOMENTUM + ", " + Figure6.SGD, charts, Math.max(1, (charts.size() + 1) / 2));
    }

    /** Figure 5 has one row (two panels) per network with results. */
    private static FigureFile figure5(ResultsRoot results) {
        List<XYChart> charts = Figure5.charts(results);
        return new FigureFile("figure5.png", "conv2-q3-* or conv4-q3-*", charts, Math.max(1, charts.size() / 2));
    }
}
