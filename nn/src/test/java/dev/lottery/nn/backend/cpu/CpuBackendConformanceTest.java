package dev.lottery.nn.backend.cpu;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.BackendConformanceSuite;

/**
 * The CPU backend against the reference. A member of a population computes exactly the bits it computes alone (the
 * products and convolutions sum in an order that depends only on each product's depth), and products and convolutions
 * stay within 1e-5 of the sum of their terms' magnitudes (the worst-case float rounding bound, depth x 2^-24, is
 * below that for every depth in the suite: at most 162 terms). Two threads whatever the machine, so that the operations
 * that split their work over the crew are checked doing so.
 */
class CpuBackendConformanceTest extends BackendConformanceSuite {
    private final CpuBackend cpu = new CpuBackend(2, true);

    @Override
    protected Backend backend() {
        return cpu;
    }

    @Override
    protected Tolerances tolerances() {
        return new Tolerances(true, 1e-5f, 1e-5f);
    }
}
