package dev.lottery.nn.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lottery.gpu.KernelSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backend's kernels compile with nvcc exactly as the backend compiles them with NVRTC ({@code --fmad=false},
 * C++17) for Ampere and Hopper, export every entry point {@link CudaKernels} looks up, and the random-number
 * kernels contain no fused multiply-add at all (a contracted a*b+c would break bit-equality with Java).
 * (gpu-runtime's KernelResourcesCompileTest also compiles them, with default options.) Skips without nvcc.
 */
class CudaKernelSourcesTest {
    @TempDir
    Path out;

    private static final Map<String, List<String>> ENTRIES = Map.of(
            "dense.cu", List.of("add_bias", "add_bias_relu", "relu", "relu_backward", "sum_rows", "softmax_xent", "sgd_masked",
                    "apply_mask", "gather_rows", "gather", "advance_cursor", "count_nonzero", "add", "multiply"),
            "keyed_random.cu", List.of("fill_uniform", "fill_normal", "permutation", "dropout_mask"),
            "radix_select.cu", List.of("radix_begin", "radix_histogram", "radix_pick", "radix_prune"),
            "conv_ops.cu", List.of("add_channel_bias", "channel_sums", "max_pool", "max_pool_backward", "global_avg_pool",
                    "global_avg_pool_backward", "batch_norm_training", "batch_norm_inference", "batch_norm_backward", "shift_and_flip"));

    static String nvcc() {
        for (String c : List.of("/usr/local/cuda/bin/nvcc", "/usr/local/bin/nvcc", "/usr/bin/nvcc")) {
            if (Files.isExecutable(Path.of(c))) return c;
        }
        return null;
    }

    @TestFactory
    List<DynamicTest> kernelsCompileWithTheBackendsOptions() {
        String nvcc = nvcc();
        Assumptions.assumeTrue(nvcc != null, "nvcc not found in /usr/local/cuda/bin, /usr/local/bin or /usr/bin");
        assertEquals(ENTRIES.keySet(), java.util.Set.copyOf(CudaKernels.FILES), "every kernel file is checked");
        List<DynamicTest> tests = new ArrayList<>();
        for (String file : CudaKernels.FILES) {
            for (String arch : List.of("sm_80", "sm_90")) {
                tests.add(DynamicTest.dynamicTest(file + " " + arch, () -> {
                    KernelSource src = CudaKernels.source(file);
                    Path cu = out.resolve(file);
                    Files.writeString(cu, src.code());
                    Path ptx = out.resolve(file + "." + arch + ".ptx");
                    Process p = new ProcessBuilder(nvcc, "-ptx", "-arch=" + arch, "-std=c++17", "-fmad=false", "-o", ptx.toString(), cu.toString())
                            .redirectErrorStream(true).start();
                    String log = new String(p.getInputStream().readAllBytes());
                    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "nvcc timed out");
                    assertEquals(0, p.exitValue(), () -> "nvcc failed on " + file + " for " + arch + ":\n" + log);
                    String text = Files.readString(ptx);
                    assertTrue(text.contains(".target " + arch));
                    for (String entry : ENTRIES.get(file)) {
                        assertTrue(text.contains(".entry " + entry + "("), () -> file + " exports " + entry);
                    }
                    if (file.equals("keyed_random.cu")) {
                        assertFalse(text.contains("fma.rn"), "no fused multiply-add in the random-number kernels");
                    }
                }));
            }
        }
        return tests;
    }
}
