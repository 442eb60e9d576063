package dev.lottery.xor;

import dev.lottery.nn.internal.AtomicFiles;
import dev.lottery.nn.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Prints the XOR tables in the paper's layout next to the paper's numbers, and writes them as CSV. */
public final class XorReport {
    private XorReport() {
    }

    /**
     * Figure 9 and Figure 10, ours beside the paper's ({@code ours / paper} in each cell).
     *
     * @param ours  one run's tables
     * @param paper the paper's tables; a row it lacks shows {@code -} for the paper's numbers
     * @return the two tables as fixed-width text, percentages to one decimal, each line ending with a newline
     */
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

    /**
     * Writes {@code figure9.csv} and {@code figure10.csv} (ours and the paper's columns) into {@code dir}.
     *
     * @param ours  one run's tables
     * @param paper the paper's tables; a row it lacks leaves the paper's columns empty
     * @param dir   the directory, created when missing; each file is written atomically, and a failure is a one-line
     *              {@link UserError}
     */
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
        write(dir, "figure9.csv", f9.toString());
        write(dir, "figure10.csv", f10.toString());
    }

    private static void write(Path dir, String name, String text) {
        try {
            Files.createDirectories(dir);
            AtomicFiles.writeString(dir.resolve(name), text);
        } catch (IOException e) {
            throw new UserError("cannot write XOR results to " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The sweep as a table, one line per cell in the given order: the setting, Figure 9's two columns, the
     * largest deviation from the paper in each, and Figure 10's order of strategies by 2-unit ZL rate with the
     * number of strategy pairs out of the paper's order (by 2-unit DB and ZL).
     *
     * @param cells the sweep's cells, e.g. sorted by {@link XorFit#BEST_FIRST}
     * @return fixed-width text: a heading, the paper's row, then one row per cell, each line ending with a newline
     */
    public static String formatSweep(List<XorSweep.Cell> cells) {
        StringBuilder sb = new StringBuilder();
        String row = "%-39s | %-25s | %-25s | %5s %5s | %-8s %5s %s%n";
        sb.append(String.format(Locale.ROOT, row, setting("opt", "lr", "loss", "R'(0)", "DB", "ZL"),
                "DB % (10 8 6 4 2 units)", "ZL % (10 8 6 4 2 units)", "maxDB", "maxZL", "fig10 ZL", "sprd", "swaps DB/ZL"));
        XorFit paperFit = XorFit.of(XorTables.PAPER, XorTables.PAPER);
        sb.append(String.format(Locale.ROOT, row, "paper", column(XorTables.PAPER, true), column(XorTables.PAPER, false),
                "", "", paperFit.zlOrder(), fmt(paperFit.zlSpread()), ""));
        for (XorSweep.Cell c : cells) {
            XorTraining t = c.training();
            XorFit f = c.fit();
            sb.append(String.format(Locale.ROOT, row,
                    setting(t.optimizer().label(), Float.toString(t.learningRate()), t.reduction().label(),
                            Integer.toString(t.reluSlopeAtZero()), c.criteria().decisionBoundary().label(), c.criteria().zeroLoss().label()),
                    column(c.tables(), true), column(c.tables(), false), fmt(f.decisionBoundary()), fmt(f.zeroLoss()),
                    f.zlOrder(), fmt(f.zlSpread()), f.dbSwaps() + "/" + f.zlSwaps()));
        }
        return sb.toString();
    }

    private static String setting(String optimizer, String lr, String loss, String slope, String db, String zl) {
        return String.format(Locale.ROOT, "%-4s %-5s %-4s %-5s %-7s %-9s", optimizer, lr, loss, slope, db, zl);
    }

    private static String column(XorTables t, boolean decisionBoundary) {
        return t.figure9().stream().map(r -> fmt(decisionBoundary ? r.decisionBoundary() : r.zeroLoss()))
                .collect(Collectors.joining(" "));
    }

    /**
     * Writes {@code sweep.csv}: one row per cell with its setting, both Figure 9 columns, Figure 10's 2-unit rates
     * and the fit.
     *
     * @param cells the sweep's cells, in the order the rows should have
     * @param dir   the directory, created when missing; the file is written atomically, and a failure is a one-line
     *              {@link UserError}
     */
    public static void writeSweepCsv(List<XorSweep.Cell> cells, Path dir) {
        StringBuilder csv = new StringBuilder("optimizer,lr,reduction,relu_slope_at_zero,iterations,db_criterion,zl_criterion");
        for (int w : XorExperiment.FIGURE9_WIDTHS) csv.append(",db_").append(w);
        for (int w : XorExperiment.FIGURE9_WIDTHS) csv.append(",zl_").append(w);
        for (XorTables.Figure10Row r : XorTables.PAPER.figure10()) {
            String s = XorFit.abbreviation(r.strategy());
            csv.append(",two_db_").append(s).append(",two_zl_").append(s);
        }
        csv.append(",max_db_deviation,max_zl_deviation,db_swaps,zl_swaps,zl_order\n");
        for (XorSweep.Cell c : cells) {
            XorTraining t = c.training();
            csv.append(String.join(",", t.optimizer().label(), Float.toString(t.learningRate()), t.reduction().label(),
                    Integer.toString(t.reluSlopeAtZero()), Integer.toString(t.iterations()),
                    c.criteria().decisionBoundary().label(), c.criteria().zeroLoss().label()));
            for (XorTables.Figure9Row r : c.tables().figure9()) csv.append(',').append(fmt(r.decisionBoundary()));
            for (XorTables.Figure9Row r : c.tables().figure9()) csv.append(',').append(fmt(r.zeroLoss()));
            for (XorTables.Figure10Row p : XorTables.PAPER.figure10()) {
                XorTables.Figure10Row r = XorFit.row(c.tables().figure10(), p.strategy());
                csv.append(',').append(fmt(r.twoDb())).append(',').append(fmt(r.twoZl()));
            }
            XorFit f = c.fit();
            csv.append(',').append(fmt(f.decisionBoundary())).append(',').append(fmt(f.zeroLoss()))
                    .append(',').append(f.dbSwaps()).append(',').append(f.zlSwaps()).append(',').append(f.zlOrder()).append('\n');
        }
        write(dir, "sweep.csv", csv.toString());
    }

    private static List<String> fmtAll(XorTables.Figure10Row r) {
        return List.of(fmt(r.tenDb()), fmt(r.tenZl()), fmt(r.fourDb()), fmt(r.fourZl()), fmt(r.twoDb()), fmt(r.twoZl()));
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
