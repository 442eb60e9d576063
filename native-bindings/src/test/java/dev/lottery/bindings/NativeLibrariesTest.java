package dev.lottery.bindings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class NativeLibrariesTest {

    @Test
    void missingLibraryNamesEveryDirectoryInOneLine(@TempDir Path empty) throws Exception {
        Path other = Files.createDirectory(empty.resolve("other"));
        var e = assertThrows(CudaLibraryNotFoundException.class, () ->
                NativeLibraries.open(LibrarySearchPath.only(List.of(empty, other)), "cuBLAS", List.of("libcublas.so.13", "libcublas.so.12"), List.of(), "cublasCreate_v2"));
        assertFalse(e.getMessage().contains("\n"), "one line");
        assertTrue(e.getMessage().contains(empty + ":" + other), e.getMessage());
        assertTrue(e.getMessage().contains("libcublas.so.13, libcublas.so.12"), e.getMessage());
        assertTrue(e.getMessage().contains("lottery.cuda.path"), e.getMessage());
        assertEquals(List.of(empty.toString(), other.toString()), e.searched());
    }

    @Test
    void systemLoaderFailureIsReportedToo(@TempDir Path empty) {
        var e = assertThrows(CudaLibraryNotFoundException.class, () -> NativeLibraries.open(
                new LibrarySearchPath(List.of(empty), true), "test", List.of("libdoes-not-exist-lottery.so.7"), List.of(), "f"));
        assertTrue(e.getMessage().contains("system loader ("), e.getMessage());
    }

    @Test
    void aFileThatIsNotALibrarySaysSo(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("libcuda.so.1"), "not an ELF file");
        var e = assertThrows(CudaLibraryNotFoundException.class, () ->
                NativeLibraries.open(LibrarySearchPath.only(List.of(dir)), "CUDA driver", List.of("libcuda.so.1"), List.of(), "cuInit"));
        assertTrue(e.getMessage().contains("failed to open"), e.getMessage());
    }

    /** The system's libc and libm directory, where both exist. */
    private static Path systemLibDir() {
        Path dir = List.of(Path.of("/lib/x86_64-linux-gnu"), Path.of("/usr/lib/x86_64-linux-gnu"), Path.of("/lib64")).stream()
                .filter(d -> Files.isRegularFile(d.resolve("libc.so.6")) && Files.isRegularFile(d.resolve("libm.so.6"))).findFirst().orElse(null);
        assumeTrue(dir != null, "no libc.so.6 / libm.so.6 in the usual places");
        return dir;
    }

    @Test
    void loadsALibraryFromADirectoryIntoTheLoaderLookup() {
        // The generated classes find symbols through SymbolLookup.loaderLookup(); libc proves the directory branch
        // really loads the file there (no other test here loads libc that way).
        Path dir = systemLibDir();
        assertTrue(SymbolLookup.loaderLookup().find("strlen").isEmpty(), "libc must not be in the loader lookup before");
        var loaded = NativeLibraries.open(LibrarySearchPath.only(List.of(dir)), "libc", List.of("libc.so.6"), List.of(), "strlen");
        assertEquals(dir.resolve("libc.so.6").toString(), loaded.origin());
        assertTrue(SymbolLookup.loaderLookup().find("strlen").isPresent());
    }

    @Test
    void loadsTheFileTheSystemLoaderChoosesIntoTheLoaderLookup(@TempDir Path empty) throws Exception {
        systemLibDir();
        assertTrue(SymbolLookup.loaderLookup().find("cbrt").isEmpty(), "libm must not be in the loader lookup before");
        var loaded = NativeLibraries.open(new LibrarySearchPath(List.of(empty), true), "libm", List.of("libm.so.6"), List.of(), "cbrt");
        assertTrue(loaded.origin().startsWith("system loader: /"), loaded.origin());
        assertTrue(Files.isSameFile(Path.of(loaded.origin().substring("system loader: ".length())),
                systemLibDir().resolve("libm.so.6")), loaded.origin());
        assertTrue(SymbolLookup.loaderLookup().find("cbrt").isPresent());
    }

    @Test
    void searchOrderPropertyEnvSitePackagesThenWellKnownDirs(@TempDir Path root) throws Exception {
        Path home = Files.createDirectories(root.resolve("home/u"));
        Path torchCublas = Files.createDirectories(root.resolve("opt/torch/.venv/lib/python3.12/site-packages/nvidia/cublas/lib"));
        Path torchCudnn = Files.createDirectories(root.resolve("opt/torch/.venv/lib/python3.12/site-packages/nvidia/cudnn/lib"));
        Files.createDirectories(root.resolve("opt/torch/.venv/lib/python3.12/site-packages/nvidia/nolib"));
        Path userNvrtc = Files.createDirectories(home.resolve(".local/lib/python3.11/site-packages/nvidia/cuda_nvrtc/lib"));
        Path usrLocal = Files.createDirectories(root.resolve("usr/local/lib/python3.12/dist-packages/nvidia/cu13/lib"));
        var path = LibrarySearchPath.fromEnvironment("/a:/b", Map.of("LOTTERY_CUDA_PATH", "/c::/a"), home, root);
        assertEquals(List.of(Path.of("/a"), Path.of("/b"), Path.of("/c"), torchCublas, torchCudnn, usrLocal, userNvrtc,
                root.resolve("usr/local/cuda/lib64"), root.resolve("usr/local/nvidia/lib64"), root.resolve("usr/local/nvidia/lib")), path.directories());
        assertTrue(path.useSystemLoader());
    }

    @Test
    void locateFindsAFileWithoutOpeningIt(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("libcudnn.so.9"), "");
        assertEquals(dir.resolve("libcudnn.so.9"), NativeLibraries.CUDNN.locate(LibrarySearchPath.only(List.of(dir))).orElseThrow());
        assertTrue(NativeLibraries.CUDNN.origin().isEmpty(), "locate must not open");
    }

    @Test
    void constantsAndLayoutsLoadNothing() throws Exception {
        Class.forName(cuda_h.class.getName(), true, getClass().getClassLoader());
        assertEquals(0, cuda_h.CUDA_SUCCESS());
        assertEquals(0, cudnn_h.CUDNN_STATUS_SUCCESS());
        assertEquals(8, CUmemLocation_st.layout().byteSize());
        assertEquals(48, cudnnConvolutionFwdAlgoPerfStruct.sizeof());
        assertTrue(NativeLibraries.CUDA.origin().isEmpty(), "constants and layouts must not open libcuda");
        assertTrue(NativeLibraries.CUDNN.origin().isEmpty());
    }
}
