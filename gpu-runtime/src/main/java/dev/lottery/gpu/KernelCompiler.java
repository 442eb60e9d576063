package dev.lottery.gpu;

import dev.lottery.bindings.NativeLibraries;
import dev.lottery.bindings.nvrtc_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import static dev.lottery.gpu.CudaException.checkNvrtc;

/**
 * Compiles CUDA C with NVRTC to a cubin for one architecture, through a {@link KernelCache}. A compile error
 * becomes a {@link CudaException} whose message and {@link CudaException#log()} hold the compiler log.
 */
public final class KernelCompiler {
    private final KernelCache cache;

    /**
     * A compiler that keeps its results in {@code cache}.
     *
     * @param cache where cubins are looked up before compiling and stored after
     */
    public KernelCompiler(KernelCache cache) {
        this.cache = cache;
    }

    /**
     * "major.minor" of the loaded NVRTC. Loads NVRTC first if this is the process's first use of it.
     *
     * @return the version, e.g. {@code "13.0"}
     * @throws CudaException if NVRTC does not answer
     */
    public static String nvrtcVersion() {
        NativeLibraries.NVRTC.load();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment major = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment minor = arena.allocate(ValueLayout.JAVA_INT);
            checkNvrtc(nvrtc_h.nvrtcVersion(major, minor), "nvrtcVersion", null);
            return major.get(ValueLayout.JAVA_INT, 0) + "." + minor.get(ValueLayout.JAVA_INT, 0);
        }
    }

    /**
     * The cubin, from the cache when there; a fresh compilation is stored in the cache before it is returned.
     *
     * @param source the CUDA C source
     * @param options the architecture and compiler flags, part of the cache key
     * @return the cubin's bytes, a copy the caller may keep
     * @throws CudaException if the source does not compile, with the compiler's log
     * @throws java.io.UncheckedIOException if a fresh cubin cannot be written to the cache
     */
    public byte[] compile(KernelSource source, CompileOptions options) {
        String key = KernelCache.key(source, options, nvrtcVersion());
        return cache.get(key).orElseGet(() -> {
            byte[] image = compileUncached(source, options);
            cache.put(key, image);
            return image;
        });
    }

    /**
     * Compiles {@code source} with NVRTC to a cubin, without the cache.
     *
     * @param source the CUDA C source; its name appears in the compiler's messages
     * @param options the architecture and compiler flags
     * @return the cubin's bytes, for exactly {@code options.computeCapability()}
     * @throws CudaException if the source does not compile, with the compiler's log
     */
    public static byte[] compileUncached(KernelSource source, CompileOptions options) {
        NativeLibraries.NVRTC.load();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment prog = arena.allocate(ValueLayout.ADDRESS);
            checkNvrtc(nvrtc_h.nvrtcCreateProgram(prog, arena.allocateFrom(source.code()), arena.allocateFrom(source.name()),
                    0, MemorySegment.NULL, MemorySegment.NULL), "nvrtcCreateProgram(" + source.name() + ")", null);
            MemorySegment program = prog.get(ValueLayout.ADDRESS, 0);
            try {
                List<String> args = options.toArguments();
                MemorySegment argv = arena.allocate(ValueLayout.ADDRESS, args.size());
                for (int i = 0; i < args.size(); i++) argv.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(args.get(i)));
                int rc = nvrtc_h.nvrtcCompileProgram(program, args.size(), argv);
                String log = programLog(arena, program);
                checkNvrtc(rc, "nvrtcCompileProgram(" + source.name() + ", " + String.join(" ", args) + ")", log);
                MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
                checkNvrtc(nvrtc_h.nvrtcGetCUBINSize(program, size), "nvrtcGetCUBINSize", null);
                MemorySegment cubin = arena.allocate(size.get(ValueLayout.JAVA_LONG, 0));
                checkNvrtc(nvrtc_h.nvrtcGetCUBIN(program, cubin), "nvrtcGetCUBIN", null);
                return cubin.toArray(ValueLayout.JAVA_BYTE);
            } finally {
                nvrtc_h.nvrtcDestroyProgram(prog);
            }
        }
    }

    private static String programLog(Arena arena, MemorySegment program) {
        MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
        if (nvrtc_h.nvrtcGetProgramLogSize(program, size) != 0) return "";
        long n = size.get(ValueLayout.JAVA_LONG, 0);
        if (n <= 1) return "";
        MemorySegment log = arena.allocate(n);
        return nvrtc_h.nvrtcGetProgramLog(program, log) == 0 ? log.getString(0) : "";
    }
}
