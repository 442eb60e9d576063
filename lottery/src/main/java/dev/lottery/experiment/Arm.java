package dev.lottery.experiment;

import dev.lottery.nn.UserError;
import java.util.Locale;

/**
 * What is trained at a pruning level. A closed set without data of its own, so an enum (the lottery module's
 * "sealed family" of arms): how each arm builds its starting network is in {@link UnitRunner}.
 */
public enum Arm {
    /** The winning ticket: the pruned mask with the surviving weights reset to θ0 (or the rewind point). */
    TICKET,
    /** Control 1: the ticket's mask, weights drawn afresh from the same initializer on an independent stream. */
    REINIT,
    /** Control 2: the ticket's per-layer counts at uniformly random positions, with θ0's values at those positions. */
    REARRANGE;

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Arm parse(String s) {
        for (Arm a : values()) if (a.cliName().equals(s.trim().toLowerCase(Locale.ROOT))) return a;
        throw new UserError("unknown arm '" + s + "' (expected ticket, reinit or rearrange)");
    }
}
