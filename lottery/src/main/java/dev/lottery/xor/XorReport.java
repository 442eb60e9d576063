package dev.lottery.xor;

import dev.lottery.nn.io.AtomicFiles;
import dev.lottery.nn.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Prints the XOR tables in the paper's layout next to the paper's numbers, and writes them as CSV. */
public final class XorReport {
    private XorReport() {
    }

    /** Figure 9 and Figure 10, ours beside the paper's ({@code ours / paper} in each cell). */
    public static String format(XorTables ours, XorTables paper) {
        StringBuilder sb = new StringBuilder();
        sb.append("Figure 9: success rates of random XOR networks (percent; ours / paper)\n");
        sb.append(String.format(Locale.ROOT, "%-10s %-13s %-13s%n", "Units", "DB", "ZL"));
        for (XorTables.Figure9Row r : ours.figure9()) {
            XorTables.Figure9Row p = paper.figure9().stream().filter(x -> x.hidden() == r.hidden()).findFirst().orElse(null);
            sb.append(String.format(Locale.ROOT, "%-10d %-13s %-13s%n", r.hidden(),
                    pair(r.decisionBoundary(), p == null ? Double.NaN : p.decisionBoundary()),
                    pair(r.zeroLoss(), p == null ? Double.NaN : p.zeroLoss())));
        }
        sb.append("\nFigure 10: pruning strategies (percent of all trials in which the 10-unit network AND its ticket succeeded; ours / paper)\n");
        sb.append(String.format(Locale.ROOT, "%-18s %-25s %-25s %-25s%n", "Pruning Strategy", "10 Units", "4 Units (Pruned)", "2 Units (Pruned)"));
        sb.append(String.format(Locale.ROOT, "%-18s %-12s %-12s %-12s %-12s %-12s %-12s%n", "", "DB", "ZL", "DB", "ZL", "DB", "ZL"));
        for (XorTables.Figure10Row r : ours.figure10()) {
            XorTables.Figure10Row p = paper.figure10().stream().filter(x -> x.strategy().equals(r.strategy())).findFirst()
                    .orElse(new XorTables.Figure10Row(r.strategy(), Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN));
            sb.append(String.format(Locale.ROOT, "%-18s %-12s %-12s %-12s %-12s %-12s %-12s%n", r.strategy(),
                    pair(r.tenDb(), p.tenDb()), pair(r.tenZl(), p.tenZl()), pair(r.fourDb(), p.fourDb()),
                    pair(r.fourZl(), p.fourZl()), pair(r.twoDb(), p.twoDb()), pair(r.twoZl(), p.twoZl())));
        }
        return sb.toString();
    }

    private static String pair(double ours, double paper) {
        return String.format(Locale.ROOT, "%.1f/%s", ours, Double.isNaN(paper) ? "-" : String.format(Locale.ROOT, "%.1f", paper));
    }

    /** Writes {@code figure9.csv} and {@code figure10.csv} (ours and the paper's columns) into {@code dir}. */
    public static void writeCsv(XorTables ours, XorTables paper, Path dir) {
        StringBuilder f9 = new StringBuilder("hidden_units,db_percent,zl_percent,paper_db_percent,paper_zl_percent\n");
        for (XorTables.Figure9Row r : ours.figure9()) {
            XorTables.Figure9Row p = paper.figure9().stream().filter(x -> x.hidden() == r.hidden()).findFirst().orElse(null);
            f9.append(String.format(Locale.ROOT, "%d,%.1f,%.1f,%s,%s%n", r.hidden(), r.decisionBoundary(), r.zeroLoss(),
                    p == null ? "" : fmt(p.decisionBoundary()), p == null ? "" : fmt(p.zeroLoss())));
        }
        StringBuilder f10 = new StringBuilder("strategy,ten_db,ten_zl,four_db,four_zl,two_db,two_zl,"
                + "paper_ten_db,paper_ten_zl,paper_four_db,paper_four_zl,paper_two_db,paper_two_zl\n");
        for (XorTables.Figure10Row r : ours.figure10()) {
            f10.append(r.strategy()).append(',').append(String.join(",", fmtAll(r)));
            paper.figure10().stream().filter(x -> x.strategy().equals(r.strategy())).findFirst()
                    .ifPresentOrElse(p -> f10.append(',').append(String.join(",", fmtAll(p))), () -> f10.append(",,,,,,"));
            f10.append('\n');
        }
        try {
            Files.createDirectories(dir);
            AtomicFiles.writeString(dir.resolve("figure9.csv"), f9.toString());
            AtomicFiles.writeString(dir.resolve("figure10.csv"), f10.toString());
        } catch (IOException e) {
            throw new UserError("cannot write XOR results to " + dir + ": " + e.getMessage(), e);
        }
    }

    private static List<String> fmtAll(XorTables.Figure10Row r) {
        return List.of(fmt(r.tenDb()), fmt(r.tenZl()), fmt(r.fourDb()), fmt(r.fourZl()), fmt(r.twoDb()), fmt(r.twoZl()));
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
