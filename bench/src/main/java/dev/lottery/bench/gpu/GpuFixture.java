package dev.lottery.bench.gpu;

import dev.lottery.gpu.CompileOptions;
import dev.lottery.gpu.CudaAvailability;
import dev.lottery.gpu.CudaContext;
import dev.lottery.gpu.KernelCache;
import dev.lottery.gpu.KernelCompiler;
import dev.lottery.gpu.KernelSource;

/**
 * What every GPU benchmark needs first: a usable GPU (else a one-line failure naming the reason, which JMH
 * prints and then moves on) and the noop kernel's cubin, compiled once by our NVRTC path and loaded by both
 * the FFM runtime and JCuda so they launch the very same code.
 */
final class GpuFixture {
    private GpuFixture() {}

    static CudaAvailability requireGpu() {
        CudaAvailability a = CudaContext.isAvailable();
        if (!a.usable()) throw new IllegalStateException("no CUDA GPU: " + a.reason());
        return a;
    }

    static byte[] noopCubin(CudaContext ctx) {
        return new KernelCompiler(KernelCache.defaultCache())
                .compile(KernelSource.builtin("fill.cu"), CompileOptions.forArchitecture(ctx.computeCapability()));
    }
}
