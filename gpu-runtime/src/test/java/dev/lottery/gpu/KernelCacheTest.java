package dev.lottery.gpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class KernelCacheTest {
    @Test
    void keyDependsOnSourceOptionsArchitectureAndCompiler() {
        KernelSource src = KernelSource.builtin("vector_add.cu");
        CompileOptions sm90 = CompileOptions.forArchitecture(90);
        String key = KernelCache.key(src, sm90, "13.0");
        assertEquals(64, key.length());
        assertEquals(key, KernelCache.key(new KernelSource(src.name(), src.code()), CompileOptions.forArchitecture(90), "13.0"), "deterministic");
        assertNotEquals(key, KernelCache.key(src, CompileOptions.forArchitecture(80), "13.0"));
        assertNotEquals(key, KernelCache.key(src, sm90.withFusedMultiplyAdd(false), "13.0"));
        assertNotEquals(key, KernelCache.key(src, sm90, "12.8"));
        assertNotEquals(key, KernelCache.key(new KernelSource(src.name(), src.code() + " "), sm90, "13.0"));
    }

    @Test
    void storesAndReadsImagesAtomically(@TempDir Path dir) throws Exception {
        KernelCache cache = new KernelCache(dir.resolve("kernels"));
        assertTrue(cache.get("abc").isEmpty());
        cache.put("abc", new byte[] {1, 2, 3});
        cache.put("abc", new byte[] {4, 5});
        assertArrayEquals(new byte[] {4, 5}, cache.get("abc").orElseThrow());
        try (var files = Files.list(dir.resolve("kernels"))) {
            assertEquals(List.of("abc.cubin"), files.map(p -> p.getFileName().toString()).toList(), "no temporary files left");
        }
    }

    @Test
    void optionsSpellTheArchitectureAndFmad() {
        assertEquals(List.of("--gpu-architecture=sm_90", "--std=c++17", "--fmad=false", "-lineinfo"),
                new CompileOptions(90, false, List.of("-lineinfo")).toArguments());
        assertTrue(CompileOptions.forArchitecture(80).toArguments().contains("--fmad=true"));
        assertThrows(IllegalArgumentException.class, () -> CompileOptions.forArchitecture(35));
    }

    @Test
    void builtinKernelsAreResources() {
        assertTrue(KernelSource.builtin("fill.cu").code().contains("fill_f32"));
        assertThrows(IllegalArgumentException.class, () -> KernelSource.builtin("nope.cu"));
    }
}
