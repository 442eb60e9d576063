package dev.lottery.xor;

import java.util.List;

/**
 * The two tables of the paper's XOR appendix, as values; {@link #PAPER} holds the paper's own numbers.
 *
 * @param figure9  one row per width, largest first
 * @param figure10 one row per pruning strategy
 */
public record XorTables(List<Figure9Row> figure9, List<Figure10Row> figure10) {
    /**
     * Figure 9: success rates (percent) of random networks with {@code hidden} units.
     *
     * @param hidden           hidden units per network
     * @param decisionBoundary percent of the trials that found the decision boundary
     * @param zeroLoss         percent of the trials that reached zero loss
     */
    public record Figure9Row(int hidden, double decisionBoundary, double zeroLoss) {
    }

    /**
     * Figure 10: per pruning strategy, the percent of all trials in which the ten-unit network succeeded, and in
     * which both it and its 4-unit / 2-unit winning ticket succeeded (DB and ZL counted separately).
     *
     * @param strategy the row's label, e.g. {@code One-shot Product} or {@code Input Magnitude}
     * @param tenDb    percent of the ten-unit networks that found the decision boundary
     * @param tenZl    percent of the ten-unit networks that reached zero loss
     * @param fourDb   percent in which the ten-unit network and its 4-unit ticket both found the decision boundary
     * @param fourZl   percent in which both reached zero loss
     * @param twoDb    percent in which the ten-unit network and its 2-unit ticket both found the decision boundary
     * @param twoZl    percent in which both reached zero loss
     */
    public record Figure10Row(String strategy, double tenDb, double tenZl, double fourDb, double fourZl,
                              double twoDb, double twoZl) {
    }

    /** Frankle &amp; Carbin (2019), Figures 9 and 10. */
    public static final XorTables PAPER = new XorTables(
            List.of(new Figure9Row(10, 98.5, 92.9), new Figure9Row(8, 96.8, 87.5), new Figure9Row(6, 92.5, 76.8),
                    new Figure9Row(4, 78.3, 55.3), new Figure9Row(2, 49.1, 17.6)),
            List.of(new Figure10Row("One-shot Product", 99.2, 93.3, 98.0, 90.3, 82.4, 65.3),
                    new Figure10Row("Input Magnitude", 98.9, 93.5, 97.9, 92.2, 83.8, 76.5),
                    new Figure10Row("Output Magnitude", 99.0, 93.3, 96.9, 85.9, 78.6, 56.1),
                    new Figure10Row("Product", 98.5, 92.9, 97.6, 90.3, 91.5, 79.4)));
}
