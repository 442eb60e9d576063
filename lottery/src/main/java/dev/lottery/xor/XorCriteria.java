package dev.lottery.xor;

/**
 * When a trained XOR network counts as a success in the paper's two columns: it "found the correct decision
 * boundary" (DB) and it "reached zero loss" (ZL). The paper does not say how either was judged, so each has
 * several readings.
 *
 * @param decisionBoundary the reading of "found the correct decision boundary", not null
 * @param zeroLoss         the reading of "reached zero loss", not null
 */
public record XorCriteria(DecisionBoundary decisionBoundary, ZeroLoss zeroLoss) {
    /**
     * Per-point cross-entropy at or below which a point counts as fitted "with zero loss" under
     * {@link ZeroLoss#TOLERANCE}: 10^-3, i.e. the output is within 0.1% of its label (a logit on the correct side
     * by at least ln(1/(e^0.001 − 1)) ≈ 6.9). At three decimals such an output reads as a hard 0 or 1 and the
     * loss as 0.000.
     */
    public static final double ZERO_LOSS_PER_POINT = 1e-3;

    /**
     * Under {@link DecisionBoundary#TIES}, the largest |logit| of a point on the boundary: 0.02 ≈ ln(0.505/0.495),
     * an output that reads 0.50 at two decimals.
     */
    public static final float ON_BOUNDARY_LOGIT = 0.02f;

    /** Checks that both criteria are given. */
    public XorCriteria {
        if (decisionBoundary == null || zeroLoss == null) throw new IllegalArgumentException("both criteria are required");
    }

    /**
     * Whether {@code n} puts the four points on the right sides of its decision boundary.
     *
     * @param n a trained network
     * @return whether {@code n} passes this criteria's decision-boundary reading
     */
    public boolean decisionBoundary(XorNetwork n) {
        return decisionBoundary.holds(n);
    }

    /**
     * Whether {@code n} reaches (near) zero loss by this criterion.
     *
     * @param n a trained network
     * @return whether {@code n} passes this criteria's zero-loss reading
     */
    public boolean zeroLoss(XorNetwork n) {
        return zeroLoss.holds(n);
    }

    /**
     * A short description, for table headings.
     *
     * @return e.g. {@code DB points, ZL tolerance}
     */
    public String describe() {
        return "DB " + decisionBoundary.label() + ", ZL " + zeroLoss.label();
    }

    /** Readings of "found the correct decision boundary". */
    public enum DecisionBoundary implements XorChoice {
        /** All four points strictly on the correct side of output 0.5 (logit &gt; 0 for class 1, &lt; 0 for class 0). */
        POINTS {
            @Override
            boolean holds(XorNetwork n) {
                for (int p = 0; p < 4; p++) if (!strictlyRight(n.logit(p), XorNetwork.Y[p] == 1)) return false;
                return true;
            }
        },
        /**
         * No point misclassified: a point whose output is 0.5 to two decimals lies on the boundary and counts as
         * right for either class (its logit is within {@link #ON_BOUNDARY_LOGIT} of 0). Differs from
         * {@link #POINTS} for networks stuck with points that no unit serves: such points share one logit, which
         * training drives to about 0 — and for networks whose units all died, which output exactly 0.5 everywhere.
         */
        TIES {
            @Override
            boolean holds(XorNetwork n) {
                for (int p = 0; p < 4; p++) {
                    float z = n.logit(p);
                    if (XorNetwork.Y[p] == 1 ? z < -ON_BOUNDARY_LOGIT : z > ON_BOUNDARY_LOGIT) return false;
                }
                return true;
            }
        },
        /**
         * The input square near the corners is classified like XOR: every point of a 0.05 grid within 0.2 of a
         * corner in each coordinate (100 points, the corners among them) strictly on its corner's side. The radius
         * stays below 0.25 so that the paper's own example solution (footnote 3, boundary |x0 − x1| = 1/2) passes.
         */
        CORNERS {
            @Override
            boolean holds(XorNetwork n) {
                for (int i = 0; i < CORNER_GRID.length; i++) {
                    for (int j = 0; j < CORNER_GRID.length; j++) {
                        float x0 = CORNER_GRID[i], x1 = CORNER_GRID[j];
                        if (!strictlyRight(n.logit(x0, x1), (x0 > 0.5f) != (x1 > 0.5f))) return false;
                    }
                }
                return true;
            }
        };

        /** Coordinates of the corner neighbourhoods' grid: 0 to 0.2 and 0.8 to 1 in steps of 0.05. */
        private static final float[] CORNER_GRID = {0f, 0.05f, 0.1f, 0.15f, 0.2f, 0.8f, 0.85f, 0.9f, 0.95f, 1f};

        abstract boolean holds(XorNetwork n);

        private static boolean strictlyRight(float logit, boolean classOne) {
            return classOne ? logit > 0 : logit < 0;
        }

        /**
         * The criterion named {@code s}; another name is a {@code UserError} listing the known ones.
         *
         * @param s {@code points}, {@code ties} or {@code corners}, in any case
         * @return the criterion
         */
        public static DecisionBoundary parse(String s) {
            return XorChoice.parse(DecisionBoundary.class, s, "decision-boundary criterion");
        }
    }

    /** Readings of "reached zero loss (the network outputs a hard 0 or 1)". */
    public enum ZeroLoss implements XorChoice {
        /** Every point's cross-entropy (in double, from the float32 logit) is at most {@link #ZERO_LOSS_PER_POINT}. */
        TOLERANCE {
            @Override
            boolean holds(XorNetwork n) {
                for (int p = 0; p < 4; p++) if (n.pointLoss(p) > ZERO_LOSS_PER_POINT) return false;
                return true;
            }
        },
        /**
         * The literal reading: every point's cross-entropy computed in float32 as −log σ(z) (class 1) or
         * −log(1 − σ(z)) (class 0) is exactly 0 — σ(z) rounds to 1, or 1 − σ(z) rounds to 1, which takes a logit
         * about 17 on the correct side.
         */
        FLOAT32 {
            @Override
            boolean holds(XorNetwork n) {
                for (int p = 0; p < 4; p++) {
                    float s = 1f / (1f + (float) Math.exp(-n.logit(p)));
                    float loss = XorNetwork.Y[p] == 1 ? -(float) Math.log(s) : -(float) Math.log(1f - s);
                    if (loss != 0f) return false;
                }
                return true;
            }
        };

        abstract boolean holds(XorNetwork n);

        /**
         * The criterion named {@code s}; another name is a {@code UserError} listing the known ones.
         *
         * @param s {@code tolerance} or {@code float32}, in any case
         * @return the criterion
         */
        public static ZeroLoss parse(String s) {
            return XorChoice.parse(ZeroLoss.class, s, "zero-loss criterion");
        }
    }
}
