package dev.lottery.experiment;

import dev.lottery.nn.UserError;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the surviving weights are reset to before a pruned network trains again: θ0, the paper's choice, or
 * (beyond the paper, "late resetting") the weights of the dense network after {@code iteration} iterations.
 */
public sealed interface ResetMode {
    /**
     * The setting's text.
     *
     * @return {@code init} or {@code rewind(K)}; {@link #parse} reads it back
     */
    String canonical();

    /** The paper: the values the weights had before training began. */
    record ToInit() implements ResetMode {
        @Override
        public String canonical() {
            return "init";
        }
    }

    /**
     * The dense network's weights after {@code iteration} training iterations (captured during level 0).
     *
     * @param iteration the iteration after which the weights are captured: positive, and before the end of training
     *                  (checked with the spec)
     */
    record Rewind(long iteration) implements ResetMode {
        /** Checks that the iteration is positive. */
        public Rewind {
            if (iteration <= 0) throw new UserError("rewind iteration must be positive (0 is reset to θ0), got " + iteration);
        }

        @Override
        public String canonical() {
            return "rewind(" + iteration + ")";
        }
    }

    /** A rewind iteration as written: {@code rewind(500)} or {@code 500}. */
    Pattern REWIND = Pattern.compile("(?:rewind\\()?(\\d+)\\)?");

    /**
     * {@link #canonical()}, or as typed on the command line: {@code init} ({@code 0}) or a rewind iteration such as
     * {@code 500}.
     *
     * @param s the text; anything else is a one-line {@link UserError}
     * @return {@link ToInit} for {@code init} or {@code 0}, else a {@link Rewind}
     */
    static ResetMode parse(String s) {
        String t = s.strip();
        if (t.equals("init") || t.equals("0")) return new ToInit();
        Matcher m = REWIND.matcher(t);
        if (m.matches() && t.startsWith("rewind(") == t.endsWith(")")) {
            try {
                return new Rewind(Long.parseLong(m.group(1)));
            } catch (NumberFormatException e) {
                // too many digits: the one-line error below
            }
        }
        throw new UserError("'" + s + "' is neither init nor a rewind iteration such as 500");
    }
}
