package dev.lottery.experiment;

/**
 * What the surviving weights are reset to before a pruned network trains again: θ0, the paper's choice, or
 * (beyond the paper, "late resetting") the weights of the dense network after {@code iteration} iterations.
 */
public sealed interface ResetMode {
    String canonical();

    /** The paper: the values the weights had before training began. */
    record ToInit() implements ResetMode {
        @Override
        public String canonical() {
            return "init";
        }
    }

    /** The dense network's weights after {@code iteration} training iterations (captured during level 0). */
    record Rewind(long iteration) implements ResetMode {
        public Rewind {
            if (iteration <= 0) throw new dev.lottery.nn.UserError("rewind iteration must be positive (0 is reset to θ0), got " + iteration);
        }

        @Override
        public String canonical() {
            return "rewind(" + iteration + ")";
        }
    }

    /** {@code init} or a rewind iteration such as {@code 500}. */
    static ResetMode parse(String s) {
        if (s.trim().equals("init") || s.trim().equals("0")) return new ToInit();
        try {
            return new Rewind(Long.parseLong(s.trim()));
        } catch (NumberFormatException e) {
            throw new dev.lottery.nn.UserError("bad reset '" + s + "' (expected init or a rewind iteration like 500)");
        }
    }
}
