package dev.lottery.gpu;

/** Why bytes crossed between host and device; the counters are kept per purpose. */
public enum TransferPurpose {
    /** Inputs and labels made resident once. */
    DATA,
    /** Parameters, masks or their initial values: should cross only at setup and for snapshots. */
    WEIGHTS,
    /** Copies written to disk as results (masks, θ0, final weights). */
    SNAPSHOT,
    /** Loss, accuracy and other few-number readbacks. */
    SCALARS,
    /** Benchmarks and tests. */
    OTHER
}
