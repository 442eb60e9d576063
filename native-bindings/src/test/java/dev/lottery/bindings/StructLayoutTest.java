package dev.lottery.bindings;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.PaddingLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The struct layouts against the C compiler: a small C program prints sizeof and offsetof for every
 * field of every bound struct, compiled with gcc against the real headers. Skips when gcc or the headers
 * are absent. Also pins the sizes we rely on directly, so a missing compiler still checks something.
 */
class StructLayoutTest {
    static final Map<String, GroupLayout> CUDA_STRUCTS = Map.of(
            "CUmemLocation_st", CUmemLocation_st.layout(),
            "CUmemPoolProps_st", CUmemPoolProps_st.layout(),
            "CUgraphExecUpdateResultInfo_st", CUgraphExecUpdateResultInfo_st.layout(),
            "CUDA_MEMCPY2D_st", CUDA_MEMCPY2D_st.layout());
    static final Map<String, GroupLayout> CUDNN_STRUCTS = Map.of(
            "cudnnConvolutionFwdAlgoPerfStruct", cudnnConvolutionFwdAlgoPerfStruct.layout(),
            "cudnnConvolutionBwdDataAlgoPerfStruct", cudnnConvolutionBwdDataAlgoPerfStruct.layout(),
            "cudnnConvolutionBwdFilterAlgoPerfStruct", cudnnConvolutionBwdFilterAlgoPerfStruct.layout());

    @Test
    void knownSizesAndOffsets() {
        assertEquals(8, CUmemLocation_st.sizeof());
        assertEquals(88, CUmemPoolProps_st.sizeof());
        assertEquals(16, CUmemPoolProps_st.win32SecurityAttributes$offset());
        assertEquals(32, CUmemPoolProps_st.usage$offset());
        assertEquals(24, CUgraphExecUpdateResultInfo_st.sizeof());
        assertEquals(8, CUgraphExecUpdateResultInfo_st.errorNode$offset());
        assertEquals(48, cudnnConvolutionFwdAlgoPerfStruct.sizeof());
        assertEquals(16, cudnnConvolutionFwdAlgoPerfStruct.memory$offset());
        assertEquals(28, cudnnConvolutionFwdAlgoPerfStruct.mathType$offset());
    }

    @Test
    void cudaStructsMatchTheCompiler(@TempDir Path tmp) throws Exception {
        var headers = HeaderLocations.find(List.of("cuda.h"));
        Assumptions.assumeTrue(headers.isPresent(), "cuda.h not installed in " + HeaderLocations.includeDirs());
        compareWithCompiler(tmp, List.of("cuda.h"), CUDA_STRUCTS);
    }

    @Test
    void cudnnStructsMatchTheCompiler(@TempDir Path tmp) throws Exception {
        var headers = HeaderLocations.find(List.of("cudnn_cnn.h", "cuda_runtime_api.h"));
        Assumptions.assumeTrue(headers.isPresent(), "cudnn_cnn.h / cuda_runtime_api.h not installed in " + HeaderLocations.includeDirs()
                + " (set -Dlottery.cuda.include=DIR)");
        compareWithCompiler(tmp, List.of("cudnn_cnn.h"), CUDNN_STRUCTS);
    }

    private static void compareWithCompiler(Path tmp, List<String> includes, Map<String, GroupLayout> structs) throws Exception {
        StringBuilder c = new StringBuilder("#include <stddef.h>\n#include <stdio.h>\n");
        for (String inc : includes) c.append("#include <").append(inc).append(">\n");
        c.append("int main(void) {\n");
        for (var e : structs.entrySet()) {
            String s = e.getKey();
            c.append("  printf(\"%s %zu\\n\", \"").append(s).append("\", sizeof(struct ").append(s).append("));\n");
            for (MemoryLayout m : e.getValue().memberLayouts()) {
                if (m instanceof PaddingLayout) continue;
                String f = m.name().orElseThrow();
                c.append("  printf(\"%s %zu\\n\", \"").append(s).append('.').append(f).append("\", offsetof(struct ")
                        .append(s).append(", ").append(f).append("));\n");
            }
        }
        c.append("  return 0;\n}\n");
        Path src = tmp.resolve("layouts.c");
        Files.writeString(src, c);
        Path exe = tmp.resolve("layouts");
        List<String> cmd = new ArrayList<>(List.of("gcc", "-o", exe.toString(), src.toString()));
        for (Path d : HeaderLocations.includeDirs()) if (Files.isDirectory(d)) cmd.add("-I" + d);
        String compile = run(tmp, cmd);
        Assumptions.assumeTrue(compile != null, "gcc not available");
        assertTrue(Files.exists(exe), () -> "gcc failed: " + compile);
        String out = run(tmp, List.of(exe.toString()));
        Map<String, Long> expected = new HashMap<>();
        for (String line : out.strip().split("\n")) {
            String[] kv = line.split(" ");
            expected.put(kv[0], Long.parseLong(kv[1]));
        }
        for (var e : structs.entrySet()) {
            String s = e.getKey();
            assertEquals(expected.get(s), e.getValue().byteSize(), "sizeof(struct " + s + ")");
            for (MemoryLayout m : e.getValue().memberLayouts()) {
                if (m instanceof PaddingLayout) continue;
                String f = m.name().orElseThrow();
                long offset = e.getValue().byteOffset(MemoryLayout.PathElement.groupElement(f));
                assertEquals(expected.get(s + "." + f), offset, "offsetof(struct " + s + ", " + f + ")");
            }
        }
    }

    /** Output of the command, or null if the program does not exist. */
    private static String run(Path dir, List<String> cmd) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            return null;
        }
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + cmd);
        return out;
    }
}
