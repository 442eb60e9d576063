package dev.lottery.report;

import dev.lottery.experiment.ResultsStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * Writes an experiment's report into {@code <experiment>/report/}: {@code figure2.png}, {@code figure3.png},
 * {@code figure8.png} and {@code report.md}. Reads only finished units, so it works while an experiment is still
 * running or after it was killed. Every file is written atomically.
 *
 * <p>Given a results root instead (a directory of experiment directories), it writes the figures that compare
 * experiments, the paper's Figures 4-7, into {@code <root>/report/} (see {@link ComparisonReport}).
 */
public final class Report {
    private Report() {}

    /**
     * Writes the report of an experiment directory or a results root. Sets {@code java.awt.headless} for the JVM, since
     * the charts are drawn with AWT.
     *
     * @param experimentDir an experiment directory, or a results root (a directory of experiment directories)
     * @return the files written under its {@code report/}: the figures that have results to draw, then
     *         {@code report.md}
     */
    public static List<Path> write(Path experimentDir) {
        System.setProperty("java.awt.headless", "true"); // XChart draws with AWT; there is no display
        if (ResultsRoot.isRoot(experimentDir)) return ComparisonReport.write(experimentDir);
        ExperimentResults r = ExperimentResults.load(experimentDir);
        Path out = experimentDir.resolve("report");
        List<Path> written = new ArrayList<>();
        if (!r.units().isEmpty()) {
            written.add(png(out.resolve("figure2.png"), new ArrayList<>(Figure2.charts(r)), 1, 2));
            written.add(png(out.resolve("figure3.png"), new ArrayList<>(Figure3.charts(r)), r.modes().size(), 3));
            List<Chart<?, ?>> f8 = new ArrayList<>(Figure8.charts(r));
            if (!f8.isEmpty()) written.add(png(out.resolve("figure8.png"), f8, 1, f8.size()));
        }
        Path md = out.resolve("report.md");
        StringBuilder text = new StringBuilder(SummaryTable.markdown(r));
        for (Path p : written) text.append("![").append(p.getFileName()).append("](").append(p.getFileName()).append(")\n\n");
        ResultsStore.writeText(md, text.toString());
        written.add(md);
        return written;
    }

    static Path png(Path file, List<Chart<?, ?>> charts, int rows, int cols) {
        try {
            Files.createDirectories(file.getParent());
            // BitmapEncoder appends the extension itself; write beside the target, then rename over it
            Path tmp = file.resolveSibling("." + file.getFileName() + ".part");
            BitmapEncoder.saveBitmap(charts, rows, cols, tmp.toString(), BitmapEncoder.BitmapFormat.PNG);
            ResultsStore.moveAtomically(tmp.resolveSibling(tmp.getFileName() + ".png"), file);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
