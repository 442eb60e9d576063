package dev.lottery.xor;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The paper's three ways (Appendix A.1) to rank a trained XOR network's hidden units; the lowest-scoring units
 * are pruned. Scores read trained weights; biases never count.
 */
public enum PruningHeuristic {
    /** Smallest average magnitude of the unit's input weights: (|w1a| + |w1b|) / 2. */
    INPUT_MAGNITUDE("Input Magnitude") {
        @Override
        double score(float inA, float inB, float out) {
            return (Math.abs(inA) + Math.abs(inB)) / 2.0;
        }
    },
    /** Smallest magnitude of the unit's output weight: |w2|. */
    OUTPUT_MAGNITUDE("Output Magnitude") {
        @Override
        double score(float inA, float inB, float out) {
            return Math.abs(out);
        }
    },
    /**
     * Smallest product of the output weight's magnitude and the sum of the input weights' magnitudes:
     * |w2|·(|w1a| + |w1b|). With 0/1 inputs this tracks how much the unit can move the output.
     */
    MAGNITUDE_PRODUCT("Product") {
        @Override
        double score(float inA, float inB, float out) {
            return Math.abs(out) * ((double) Math.abs(inA) + Math.abs(inB));
        }
    };

    private final String label;

    PruningHeuristic(String label) {
        this.label = label;
    }

    /**
     * The row label the paper's Figure 10 uses.
     *
     * @return e.g. {@code Input Magnitude}
     */
    public String label() {
        return label;
    }

    abstract double score(float inA, float inB, float out);

    /**
     * For each trial, the {@code keep} highest-scoring units of {@code trained}, as unit indices in ascending
     * order. Ties are broken by index (the lower index is pruned first), so the choice is deterministic.
     *
     * @param trained the trained networks, read only
     * @param keep    units to keep per network, from 1 to {@code trained.hidden()}
     * @return {@code [trials][keep]}: per trial, the kept units' indices into {@code trained}'s hidden layer
     */
    public int[][] keep(XorBatch trained, int keep) {
        int h = trained.hidden();
        if (keep <= 0 || keep > h) throw new IllegalArgumentException("cannot keep " + keep + " of " + h + " units");
        int[][] kept = new int[trained.trials()][];
        for (int t = 0; t < trained.trials(); t++) {
            XorNetwork n = trained.network(t);
            double[] s = new double[h];
            for (int k = 0; k < h; k++) s[k] = score(n.w1a()[k], n.w1b()[k], n.w2()[k]);
            Integer[] order = IntStream.range(0, h).boxed().toArray(Integer[]::new);
            Arrays.sort(order, Comparator.<Integer>comparingDouble(k -> s[k]).thenComparingInt(k -> k));
            int[] survivors = new int[keep];
            for (int j = 0; j < keep; j++) survivors[j] = order[h - keep + j];
            Arrays.sort(survivors);
            kept[t] = survivors;
        }
        return kept;
    }
}
