package dev.lottery.nn.backend;

import dev.lottery.nn.backend.cpu.CpuBackend;
import java.util.Objects;

/**
 * What {@link Backends#select(BackendOptions)} opens: the device choice and each backend's own settings, given per
 * backend rather than as JVM-wide properties, so backends with different settings live side by side in one JVM.
 *
 * <pre>{@code
 * Backend gpu = Backends.select(BackendOptions.of(DeviceChoice.CUDA).withCudaDevice(1)).backend();
 * Backend cpu = Backends.select(BackendOptions.of(DeviceChoice.CPU).withCpuThreads(4)).backend();
 * }</pre>
 *
 * @param device     which backend: {@code AUTO} (CUDA when usable, otherwise the CPU), {@code CPU} or {@code CUDA}
 * @param cudaDevice the CUDA device ordinal the CUDA backend opens (0: the first GPU)
 * @param cpuThreads the threads the CPU backend runs each parallel operation on, the calling thread included (1 to
 *                   {@value #MAX_CPU_THREADS}); results are the same bits for any count
 */
public record BackendOptions(DeviceChoice device, int cudaDevice, int cpuThreads) {
    /** The most threads the CPU backend runs on. */
    public static final int MAX_CPU_THREADS = 32;

    /** Checks that a device is chosen, the ordinal is not negative and the thread count is in range. */
    public BackendOptions {
        Objects.requireNonNull(device, "device");
        if (cudaDevice < 0) throw new IllegalArgumentException("CUDA device ordinal must be non-negative, got " + cudaDevice);
        if (cpuThreads < 1 || cpuThreads > MAX_CPU_THREADS) {
            throw new IllegalArgumentException("CPU threads must be 1 to " + MAX_CPU_THREADS + ", got " + cpuThreads);
        }
    }

    /**
     * {@code device} with every backend's defaults: the first GPU, and as many CPU threads as
     * {@code -Dlottery.gemm.threads} says, or one per available core without it.
     *
     * @param device which backend
     * @return the options
     */
    public static BackendOptions of(DeviceChoice device) {
        return new BackendOptions(device, 0, CpuBackend.defaultThreads());
    }

    /**
     * The same options with the CUDA backend on device {@code ordinal}.
     *
     * @param ordinal the CUDA device ordinal (0: the first GPU)
     * @return the options
     */
    public BackendOptions withCudaDevice(int ordinal) {
        return new BackendOptions(device, ordinal, cpuThreads);
    }

    /**
     * The same options with the CPU backend on {@code threads} threads.
     *
     * @param threads threads per parallel operation, the calling thread included (1 to {@value #MAX_CPU_THREADS})
     * @return the options
     */
    public BackendOptions withCpuThreads(int threads) {
        return new BackendOptions(device, cudaDevice, threads);
    }
}
