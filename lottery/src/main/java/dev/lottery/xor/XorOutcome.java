package dev.lottery.xor;

/**
 * Which trials of a trained batch succeeded under some {@link XorCriteria}: {@code decisionBoundary[t]} and
 * {@code zeroLoss[t]}.
 */
public record XorOutcome(boolean[] decisionBoundary, boolean[] zeroLoss) {
    /** Which trials of {@code trained} meet {@code criteria}. */
    public static XorOutcome of(XorBatch trained, XorCriteria criteria) {
        int n = trained.trials();
        boolean[] db = new boolean[n], zl = new boolean[n];
        for (int t = 0; t < n; t++) {
            XorNetwork net = trained.network(t);
            db[t] = criteria.decisionBoundary(net);
            zl[t] = criteria.zeroLoss(net);
        }
        return new XorOutcome(db, zl);
    }

    /** Trials judged. */
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
