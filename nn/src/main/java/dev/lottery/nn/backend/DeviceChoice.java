package dev.lottery.nn.backend;

import dev.lottery.nn.UserError;
import java.util.Locale;

/** What the user asked for with {@code --device}. */
public enum DeviceChoice {
    /** The CUDA backend when a GPU is usable, otherwise the CPU (with the reason logged). */
    AUTO,
    /** The CPU backend. */
    CPU,
    /** The CUDA backend or a one-line error. */
    CUDA;

    /**
     * Reads {@code auto}, {@code cpu} or {@code cuda} (any case); anything else is a {@link UserError}.
     *
     * @param s the value of {@code --device}; surrounding blanks are ignored
     * @return the matching choice
     * @throws UserError if {@code s} names no choice
     */
    public static DeviceChoice parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserError("unknown device '" + s + "' (expected auto, cpu or cuda)");
        }
    }
}
