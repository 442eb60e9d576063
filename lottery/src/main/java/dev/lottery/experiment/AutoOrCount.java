package dev.lottery.experiment;

import dev.lottery.nn.UserError;

/** A command-line value that is {@code auto} or a positive count, as the execution options take it. */
final class AutoOrCount {
    private AutoOrCount() {}

    /**
     * Reads {@code text}.
     *
     * @param text   {@code auto} (any case) or a positive integer
     * @param option the option's name, for the error
     * @param what   what is counted, for the error (e.g. "units")
     * @return 0 for {@code auto}, else the count
     * @throws UserError in one line for anything else
     */
    static int parse(String text, String option, String what) {
        if (text.equalsIgnoreCase("auto")) return 0;
        try {
            int n = Integer.parseInt(text.strip());
            if (n > 0) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UserError(option + " must be a positive number of " + what + " or auto, got '" + text + "'");
    }
}
