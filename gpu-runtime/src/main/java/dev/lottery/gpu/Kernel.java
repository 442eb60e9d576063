package dev.lottery.gpu;

import dev.lottery.bindings.cuda_h;

import java.lang.foreign.MemorySegment;

import static dev.lottery.gpu.CudaException.checkDriver;

/** A {@code __global__} function of a loaded {@link Module}. */
public final class Kernel {
    private final Module module;
    private final String name;
    private final MemorySegment function;

    Kernel(Module module, String name, MemorySegment function) {
        this.module = module;
        this.name = name;
        this.function = function;
    }

    /** The kernel's name in its module. */
    public String name() { return name; }

    /** The module the kernel belongs to. */
    public Module module() { return module; }

    /** Queues the kernel on {@code stream}. Errors in the launch configuration throw here; faults inside the kernel surface at the next sync. */
    public void launch(Dim3 grid, Dim3 block, int sharedMemBytes, Stream stream, KernelArgs args) {
        checkDriver(cuda_h.cuLaunchKernel(function, grid.x(), grid.y(), grid.z(), block.x(), block.y(), block.z(),
                sharedMemBytes, stream.handle(), args.kernelParams(), MemorySegment.NULL), "cuLaunchKernel(" + name + ")");
    }

    /** The function attribute {@code attribute} (a {@code CU_FUNC_ATTRIBUTE_*} constant). */
    public int attribute(int attribute) {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment out = arena.allocate(java.lang.foreign.ValueLayout.JAVA_INT);
            checkDriver(cuda_h.cuFuncGetAttribute(out, attribute, function), "cuFuncGetAttribute");
            return out.get(java.lang.foreign.ValueLayout.JAVA_INT, 0);
        }
    }
}
