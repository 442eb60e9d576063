package dev.lottery.nn;

/**
 * A mistake the user can fix (missing data file, bad flag, unknown model, no GPU when one is demanded).
 * The command line prints {@link #getMessage()} as one line and exits with status 2; no stack trace.
 * Bugs are ordinary exceptions and keep their stack traces.
 */
public class UserError extends RuntimeException {
    /** A user error with the one-line {@code message}. */
    public UserError(String message) {
        super(message);
    }

    /** A user error with the one-line {@code message}, caused by {@code cause}. */
    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
