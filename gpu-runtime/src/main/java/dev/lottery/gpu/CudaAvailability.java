package dev.lottery.gpu;

/**
 * Whether CUDA can be used here, and if not, why (one line, suitable for a skipped test or a CLI message).
 *
 * @param usable true when the driver loaded, initialised and reports at least one device
 * @param reason why not, or a short description of what was found
 * @param deviceCount devices the driver reports (0 when unusable)
 * @param driverVersion e.g. 13000 for CUDA 13.0, or 0 when unknown
 * @param driverLibrary where libcuda was loaded from, or "" when it was not
 */
public record CudaAvailability(boolean usable, String reason, int deviceCount, int driverVersion, String driverLibrary) {}
