package dev.lottery.nn.backend;

import java.util.Objects;

/**
 * What {@link Backends#select(BackendOptions)} opens: the device choice and each backend's own settings, given per
 * backend rather than as JVM-wide properties.
 *
 * <pre>{@code
 * Backend b = Backends.select(BackendOptions.of(DeviceChoice.CUDA).withCudaDevice(1)).backend();
 * }</pre>
 *
 * @param device     which backend: {@code AUTO} (CUDA when usable, otherwise the CPU), {@code CPU} or {@code CUDA}
 * @param cudaDevice the CUDA device ordinal the CUDA backend opens (0: the first GPU)
 */
public record BackendOptions(DeviceChoice device, int cudaDevice) {
    /** Checks that a device is chosen and the ordinal is not negative. */
    public BackendOptions {
        Objects.requireNonNull(device, "device");
        if (cudaDevice < 0) throw new IllegalArgumentException("CUDA device ordinal must be non-negative, got " + cudaDevice);
    }

    /** {@code device} with every backend's defaults (the first GPU). */
    public static BackendOptions of(DeviceChoice device) {
        return new BackendOptions(device, 0);
    }

    /** The same options with the CUDA backend on device {@code ordinal}. */
    public BackendOptions withCudaDevice(int ordinal) {
        return new BackendOptions(device, ordinal);
    }
}
