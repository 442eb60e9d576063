package dev.lottery.gpu;

import dev.lottery.bindings.CudaLibraryNotFoundException;
import dev.lottery.bindings.NativeLibraries;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The generated bindings find a library's symbols only once {@link NativeLibraries} has loaded it, so every way into
 * NVRTC, cuBLAS and cuDNN must load its library before the first call. Where a library is missing that shows: the
 * entry point fails with the one-line {@link CudaLibraryNotFoundException}, not with a failed symbol lookup inside a
 * class initializer (which would also leave that binding unusable for the rest of the process).
 * Each case is skipped where its library is installed.
 */
class LibraryEntryPointsTest {
    private record EntryPoint(String name, NativeLibraries library, Executable call) {}

    private static final List<EntryPoint> ENTRY_POINTS = List.of(
            new EntryPoint("KernelCompiler.nvrtcVersion", NativeLibraries.NVRTC, KernelCompiler::nvrtcVersion),
            new EntryPoint("KernelCompiler.compileUncached", NativeLibraries.NVRTC, () -> KernelCompiler.compileUncached(
                    new KernelSource("k.cu", "extern \"C\" __global__ void k() {}"), CompileOptions.forArchitecture(80))),
            new EntryPoint("Blas.create", NativeLibraries.CUBLAS, () -> Blas.create(null)),
            new EntryPoint("Dnn.create", NativeLibraries.CUDNN, () -> Dnn.create(null)),
            new EntryPoint("Dnn.version", NativeLibraries.CUDNN, Dnn::version),
            new EntryPoint("DnnTensor.nchw", NativeLibraries.CUDNN, () -> DnnTensor.nchw(1, 1, 1, 1)),
            new EntryPoint("DnnFilter.kcrs", NativeLibraries.CUDNN, () -> DnnFilter.kcrs(1, 1, 1, 1)),
            new EntryPoint("DnnPooling.max2d", NativeLibraries.CUDNN, () -> DnnPooling.max2d(2, 0, 2)),
            new EntryPoint("DnnActivation.relu", NativeLibraries.CUDNN, DnnActivation::relu));

    @TestFactory
    Stream<DynamicTest> aMissingLibraryIsReportedByEveryEntryPoint() {
        return ENTRY_POINTS.stream().map(e -> DynamicTest.dynamicTest(e.name(), () -> {
            assumeTrue(e.library().tryLoad().isEmpty(), e.library() + " is installed here");
            var thrown = assertThrows(CudaLibraryNotFoundException.class, e.call);
            assertTrue(thrown.getMessage().contains(e.library().sonames().getFirst()), thrown.getMessage());
        }));
    }
}
