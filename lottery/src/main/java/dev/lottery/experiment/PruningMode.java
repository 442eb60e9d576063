package dev.lottery.experiment;

import dev.lottery.nn.UserError;
import java.util.Locale;

/** Iterative (train, prune, reset, repeat) or one-shot (from the one trained dense network, straight to each level). */
public enum PruningMode {
    /** Train, prune, reset, repeat: each level starts from the previous level's mask. */
    ITERATIVE,
    /** Each level prunes the trained dense network's weights at once. */
    ONESHOT;

    /**
     * The name on the command line and in settings.
     *
     * @return {@code iterative} or {@code oneshot}
     */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads {@link #cliName()}, case-insensitive; {@code one-shot} is accepted.
     *
     * @param s the text, blanks around it ignored; anything else is a one-line {@link UserError}
     * @return the mode
     */
    public static PruningMode parse(String s) {
        for (PruningMode m : values()) if (m.cliName().equals(s.strip().toLowerCase(Locale.ROOT).replace("-", ""))) return m;
        throw new UserError("'" + s + "' is not a pruning mode (expected iterative or oneshot)");
    }
}
