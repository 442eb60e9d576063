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
    /** The target: both Figure 9 columns within this many points of the paper's. */
    public static final double TARGET = 5;

    /**
     * Fits that meet {@link #TARGET} first, ranked by how well Figure 10's order holds (fewest swaps), then by the
     * worse Figure 9 deviation; then the rest, ranked by that deviation and then by swaps. Within the target the
     * remaining deviations are a few points, the size of the sampling noise at 1,000 trials, so Figure 10 decides.
     */
    public static final Comparator<XorFit> BEST_FIRST = Comparator.<XorFit>comparingInt(f -> f.meetsTarget() ? 0 : 1)
            .thenComparingDouble(f -> f.meetsTarget() ? f.swaps() : f.worst())
            .thenComparingDouble(f -> f.meetsTarget() ? f.worst() : f.swaps());

    /**
     * How far {@code ours} is from the paper's tables.
     *
     * @param ours  one run's tables, with every Figure 10 strategy the paper has (else an
     *              {@link IllegalArgumentException})
     * @param paper the paper's tables, usually {@link XorTables#PAPER}
     * @return the deviations, swaps and 2-unit ZL order
     */
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

    /**
     * The worse of the two Figure 9 deviations.
     *
     * @return the larger of {@link #decisionBoundary()} and {@link #zeroLoss()}, in percentage points
     */
    public double worst() {
        return Math.max(decisionBoundary, zeroLoss);
    }

    /**
     * Whether both Figure 9 columns are within {@link #TARGET} points of the paper's.
     *
     * @return true when {@link #worst()} is at most {@link #TARGET}
     */
    public boolean meetsTarget() {
        return worst() <= TARGET;
    }

    /**
     * Strategy pairs out of the paper's order, by 2-unit DB and by 2-unit ZL together.
     *
     * @return {@code dbSwaps + zlSwaps}, from 0 to 12
     */
    public int swaps() {
        return dbSwaps + zlSwaps;
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
