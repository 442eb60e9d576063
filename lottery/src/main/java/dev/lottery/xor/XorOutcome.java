package dev.lottery.xor;

/**
 * Which trials of a trained batch succeeded: {@code decisionBoundary[t]} (all four points on the right side of
 * 0.5) and {@code zeroLoss[t]} (hard 0/1 float32 outputs; see {@link XorNetwork#zeroLoss()}).
 */
public record XorOutcome(boolean[] decisionBoundary, boolean[] zeroLoss) {
    public static XorOutcome of(XorBatch trained) {
        int n = trained.trials();
        boolean[] db = new boolean[n], zl = new boolean[n];
        for (int t = 0; t < n; t++) {
            XorNetwork net = trained.network(t);
            db[t] = net.decisionBoundary();
            zl[t] = net.zeroLoss();
        }
        return new XorOutcome(db, zl);
    }

    public int trials() {
        return decisionBoundary.length;
    }

    /** Percent of trials that found the decision boundary. */
    public double decisionBoundaryPercent() {
        return percent(decisionBoundary, null);
    }

    /** Percent of trials that reached zero loss. */
    public double zeroLossPercent() {
        return percent(zeroLoss, null);
    }

    /** Percent of trials in which both {@code this} and {@code parent} found the decision boundary. */
    public double decisionBoundaryPercentAlso(XorOutcome parent) {
        return percent(decisionBoundary, parent.decisionBoundary);
    }

    /** Percent of trials in which both {@code this} and {@code parent} reached zero loss. */
    public double zeroLossPercentAlso(XorOutcome parent) {
        return percent(zeroLoss, parent.zeroLoss);
    }

    private static double percent(boolean[] a, boolean[] alsoRequired) {
        int hits = 0;
        for (int t = 0; t < a.length; t++) if (a[t] && (alsoRequired == null || alsoRequired[t])) hits++;
        return 100.0 * hits / a.length;
    }
}
