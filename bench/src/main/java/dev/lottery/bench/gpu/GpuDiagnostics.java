package dev.lottery.bench.gpu;

import dev.lottery.bindings.LibrarySearchPath;
import dev.lottery.bindings.NativeLibraries;
import dev.lottery.gpu.CudaAvailability;
import dev.lottery.gpu.CudaContext;

/**
 * Prints where each CUDA library would be loaded from and whether CUDA is usable; exits 0 when it is, 3 when
 * not. device-check.sh runs this first, so a failed run still says what the machine had.
 */
public final class GpuDiagnostics {
    private GpuDiagnostics() {}

    public static void main(String[] args) {
        LibrarySearchPath path = NativeLibraries.searchPath();
        System.out.println("CUDA library search path: " + path.directories());
        for (NativeLibraries lib : NativeLibraries.values()) {
            System.out.println("  " + lib + ": " + lib.locate(path).map(Object::toString).orElse("not in the search path (system loader will be tried)"));
        }
        CudaAvailability a = CudaContext.isAvailable();
        System.out.println("CUDA usable: " + a.usable() + " - " + a.reason());
        if (!a.usable()) System.exit(3);
        try (CudaContext ctx = CudaContext.open(0)) {
            System.out.println("device 0: " + ctx.deviceName() + ", sm_" + ctx.computeCapability() + ", " + (ctx.totalMemory() >> 20) + " MiB");
        }
        for (NativeLibraries lib : NativeLibraries.values()) {
            try {
                System.out.println("  opened " + lib + ": " + lib.load().origin());
            } catch (RuntimeException e) {
                System.out.println("  cannot open " + lib + ": " + e.getMessage());
            }
        }
    }
}
