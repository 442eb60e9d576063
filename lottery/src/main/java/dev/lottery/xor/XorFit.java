package dev.lottery.xor;

import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * How closely one run's tables match the paper's: the largest deviation (percentage points) in each column of
 * Figure 9, and whether Figure 10's pruning strategies come out in the paper's order at two units.
 *
 * @param decisionBoundary largest |ours − paper| over Figure 9's DB column
 * @param zeroLoss         largest |ours − paper| over Figure 9's ZL column
 * @param dbSwaps          pairs of Figure 10 strategies whose 2-unit DB rates are not strictly in the paper's order (0–6)
 * @param zlSwaps          the same for the 2-unit ZL rates
 * @param zlOrder          our strategies by 2-unit ZL rate, best first, e.g. {@code P>I>1>O}
 * @param zlSpread         best minus worst 2-unit ZL rate (the paper's: 23.3 points)
 */
public record XorFit(double decisionBoundary, double zeroLoss, int dbSwaps, int zlSwaps, String zlOrder, double zlSpread) {
    /** Ranks fits by the worse of the two Figure 9 columns, then by Figure 10 order. */
    public static final Comparator<XorFit> BEST_FIRST = Comparator.comparingDouble(XorFit::worst)
            .thenComparingInt(f -> f.dbSwaps + f.zlSwaps);

    public static XorFit of(XorTables ours, XorTables paper) {
        double db = 0, zl = 0;
        for (XorTables.Figure9Row r : ours.figure9()) {
            XorTables.Figure9Row p = paper.figure9().stream().filter(x -> x.hidden() == r.hidden()).findFirst().orElseThrow();
            db = Math.max(db, Math.abs(r.decisionBoundary() - p.decisionBoundary()));
            zl = Math.max(zl, Math.abs(r.zeroLoss() - p.zeroLoss()));
        }
        List<XorTables.Figure10Row> rows = ours.figure10(), paperRows = paper.figure10();
        List<XorTables.Figure10Row> byZl = rows.stream()
                .sorted(Comparator.comparingDouble(XorTables.Figure10Row::twoZl).reversed()).toList();
        double spread = byZl.getFirst().twoZl() - byZl.getLast().twoZl();
        String order = byZl.stream().map(r -> abbreviation(r.strategy())).collect(Collectors.joining(">"));
        return new XorFit(db, zl, swaps(rows, paperRows, XorTables.Figure10Row::twoDb),
                swaps(rows, paperRows, XorTables.Figure10Row::twoZl), order, spread);
    }

    /** The worse of the two Figure 9 deviations. */
    public double worst() {
        return Math.max(decisionBoundary, zeroLoss);
    }

    /** Strategy pairs the paper orders strictly (by {@code rate}) that ours does not order the same way strictly. */
    private static int swaps(List<XorTables.Figure10Row> ours, List<XorTables.Figure10Row> paper,
                             ToDoubleFunction<XorTables.Figure10Row> rate) {
        int swaps = 0;
        for (XorTables.Figure10Row a : paper) {
            for (XorTables.Figure10Row b : paper) {
                if (!(rate.applyAsDouble(a) > rate.applyAsDouble(b))) continue;
                if (!(rate.applyAsDouble(row(ours, a.strategy())) > rate.applyAsDouble(row(ours, b.strategy())))) swaps++;
            }
        }
        return swaps;
    }

    static XorTables.Figure10Row row(List<XorTables.Figure10Row> rows, String strategy) {
        return rows.stream().filter(r -> r.strategy().equals(strategy)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no Figure 10 row " + strategy));
    }

    /** P = iterative product, I = input magnitude, O = output magnitude, 1 = one-shot product. */
    static String abbreviation(String strategy) {
        return strategy.startsWith("One-shot") ? "1" : strategy.substring(0, 1);
    }
}
