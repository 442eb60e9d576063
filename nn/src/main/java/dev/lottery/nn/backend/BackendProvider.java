package dev.lottery.nn.backend;

import java.util.Optional;

/**
 * A source of a {@link Backend}, found with {@link java.util.ServiceLoader} (Lucene's VectorizationProvider
 * pattern): the CUDA provider lives beside the GPU runtime and reports why it cannot run instead of throwing.
 */
public interface BackendProvider {
    /** {@code cpu} or {@code cuda}. */
    String name();

    /** Empty when this provider can run here; otherwise a one-line reason (no driver, no device, ...). */
    Optional<String> unavailableReason();

    /** Opens the backend with its settings in {@code options}; only called after {@link #unavailableReason()} returned empty. */
    Backend open(BackendOptions options);
}
