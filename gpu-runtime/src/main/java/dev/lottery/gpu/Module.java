package dev.lottery.gpu;

import dev.lottery.bindings.cuda_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.lottery.gpu.CudaException.checkDriver;

/** A loaded cubin or PTX image in the current context; its kernels are valid until {@link #close()}. */
public final class Module implements AutoCloseable {
    private final MemorySegment handle;
    private boolean closed;

    private Module(MemorySegment handle) {
        this.handle = handle;
    }

    /**
     * Loads a cubin (or NUL-free PTX text as bytes; a terminating NUL is added) into the calling thread's current
     * context.
     *
     * @param image the cubin or PTX bytes, copied; the array is not kept
     * @return the loaded module, owned by the caller, who closes it before the context
     * @throws CudaException if the driver rejects the image, e.g. one built for another architecture
     */
    public static Module load(byte[] image) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(image.length + 1L, 16);
            MemorySegment.copy(image, 0, data, ValueLayout.JAVA_BYTE, 0, image.length);
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            checkDriver(cuda_h.cuModuleLoadData(out, data), "cuModuleLoadData");
            return new Module(out.get(ValueLayout.ADDRESS, 0));
        }
    }

    /**
     * Compiles {@code source} for {@code context}'s device (through the compiler's cache) and loads it.
     *
     * @param context the context to load into, current on the calling thread; its compute capability picks the
     *     architecture
     * @param compiler the compiler, whose cache may already hold the image
     * @param source the CUDA C source
     * @param fusedMultiplyAdd true lets the compiler fuse a*b+c; false rounds twice, as the CPU does, for results
     *     that must match the CPU's bit for bit
     * @return the loaded module, owned by the caller
     * @throws CudaException if the source does not compile (the message holds the compiler's log) or does not load
     */
    public static Module compile(CudaContext context, KernelCompiler compiler, KernelSource source, boolean fusedMultiplyAdd) {
        return load(compiler.compile(source, CompileOptions.forArchitecture(context.computeCapability()).withFusedMultiplyAdd(fusedMultiplyAdd)));
    }

    /**
     * The kernel {@code name} of this module.
     *
     * @param name the kernel's symbol: its plain name when declared {@code extern "C"}, else the mangled C++ name
     * @return the kernel, valid while this module is open
     * @throws IllegalStateException if the module is closed
     * @throws CudaException if the module has no kernel of that name ({@code CUDA_ERROR_NOT_FOUND})
     */
    public Kernel kernel(String name) {
        if (closed) throw new IllegalStateException("module closed");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            checkDriver(cuda_h.cuModuleGetFunction(out, handle, arena.allocateFrom(name)), "cuModuleGetFunction(" + name + ")");
            return new Kernel(this, name, out.get(ValueLayout.ADDRESS, 0));
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        checkDriver(cuda_h.cuModuleUnload(handle), "cuModuleUnload");
    }
}
