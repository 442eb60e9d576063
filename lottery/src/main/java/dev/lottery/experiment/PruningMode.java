package dev.lottery.experiment;

import dev.lottery.nn.UserError;
import java.util.Locale;

/** Iterative (train, prune, reset, repeat) or one-shot (from the one trained dense network, straight to each level). */
public enum PruningMode {
    ITERATIVE,
    ONESHOT;

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static PruningMode parse(String s) {
        for (PruningMode m : values()) if (m.cliName().equals(s.trim().toLowerCase(Locale.ROOT).replace("-", ""))) return m;
        throw new UserError("unknown pruning mode '" + s + "' (expected iterative or oneshot)");
    }
}
