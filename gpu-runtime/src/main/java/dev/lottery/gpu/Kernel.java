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

    /**
     * The kernel's name in its module.
     *
     * @return the symbol it was looked up by
     */
    public String name() { return name; }

    /**
     * The module the kernel belongs to.
     *
     * @return the module, which owns the kernel: closing it invalidates this kernel
     */
    public Module module() { return module; }

    /**
     * Queues the kernel on {@code stream}. Errors in the launch configuration throw here; faults inside the kernel
     * surface at the next sync.
     *
     * @param grid the number of blocks in each dimension, each at least 1
     * @param block the threads per block in each dimension; their product at most 1024 (and what the kernel's
     *     registers allow, see {@code CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK})
     * @param sharedMemBytes bytes of dynamic shared memory per block ({@code extern __shared__}), 0 when unused
     * @param stream the stream the kernel runs on, after the work queued there before
     * @param args the arguments in the kernel's parameter order; their values are copied at this call, so
     *     {@code args} may be changed or closed once it returns
     * @throws CudaException if the launch is rejected, e.g. too many threads or too much shared memory
     */
    public void launch(Dim3 grid, Dim3 block, int sharedMemBytes, Stream stream, KernelArgs args) {
        checkDriver(cuda_h.cuLaunchKernel(function, grid.x(), grid.y(), grid.z(), block.x(), block.y(), block.z(),
                sharedMemBytes, stream.handle(), args.kernelParams(), MemorySegment.NULL), "cuLaunchKernel(" + name + ")");
    }

    /**
     * The function attribute {@code attribute} (a {@code CU_FUNC_ATTRIBUTE_*} constant).
     *
     * @param attribute the {@code CUfunction_attribute} to read, e.g. {@code CU_FUNC_ATTRIBUTE_NUM_REGS}
     * @return the attribute's value, in the attribute's own unit
     */
    public int attribute(int attribute) {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment out = arena.allocate(java.lang.foreign.ValueLayout.JAVA_INT);
            checkDriver(cuda_h.cuFuncGetAttribute(out, attribute, function), "cuFuncGetAttribute");
            return out.get(java.lang.foreign.ValueLayout.JAVA_INT, 0);
        }
    }
}
