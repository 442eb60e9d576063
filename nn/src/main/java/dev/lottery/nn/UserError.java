package dev.lottery.nn;

/**
 * A mistake the user can fix (missing data file, bad flag, unknown model, no GPU when one is demanded).
 * The command line prints {@link #getMessage()} as one line and exits with status 2; no stack trace.
 * Bugs are ordinary exceptions and keep their stack traces.
 */
public class UserError extends RuntimeException {
    /**
     * A user error with the one-line {@code message}.
     *
     * @param message what went wrong and, where it helps, what to do about it; one line, shown as it is
     */
    public UserError(String message) {
        super(message);
    }

    /**
     * A user error with the one-line {@code message}, caused by {@code cause}.
     *
     * @param message what went wrong, one line, shown as it is
     * @param cause   the underlying exception (e.g. an {@code IOException}), kept for debugging but not printed
     */
    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
