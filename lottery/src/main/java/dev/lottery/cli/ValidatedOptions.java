package dev.lottery.cli;

/**
 * A command that checks all its options before it does any work. {@link LotteryCli} calls
 * {@link #validateOptions()} before the command runs, so a bad value is one line and exit status 2 at once — not a
 * failure minutes later, after data was loaded or units were trained.
 */
interface ValidatedOptions {
    /** Throws a {@link dev.lottery.nn.UserError} naming the first bad option; has no side effects. */
    void validateOptions();
}
