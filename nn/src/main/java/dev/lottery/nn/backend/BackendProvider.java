package dev.lottery.nn.backend;

import java.util.Optional;

/**
 * A source of a {@link Backend}, found with {@link java.util.ServiceLoader} (Lucene's VectorizationProvider
 * pattern): the CUDA provider lives beside the GPU runtime and reports why it cannot run instead of throwing.
 */
public interface BackendProvider {
    /** {@return the name of the backend it opens, {@code cpu} or {@code cuda}} */
    String name();

    /**
     * Checks whether this provider's backend can run on this machine, without throwing.
     *
     * @return empty when it can run here; otherwise a one-line reason (no driver, no device, ...)
     */
    Optional<String> unavailableReason();

    /**
     * Opens the backend with its settings in {@code options}; only called after {@link #unavailableReason()} returned
     * empty.
     *
     * @param options the settings, of which this backend reads its own
     * @return a new open backend, owned and closed by the caller
     */
    Backend open(BackendOptions options);
}
