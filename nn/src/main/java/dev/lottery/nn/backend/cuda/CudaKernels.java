package dev.lottery.nn.backend.cuda;

import dev.lottery.gpu.CudaContext;
import dev.lottery.gpu.Kernel;
import dev.lottery.gpu.KernelCompiler;
import dev.lottery.gpu.KernelSource;
import dev.lottery.gpu.Module;
import java.util.List;

/**
 * The CUDA backend's own kernels: four CUDA C files kept as resources beside this class, compiled by NVRTC for
 * the device's architecture (cached on disk by the {@link KernelCompiler}) and loaded once per backend.
 * Every file is compiled with {@code --fmad=false}: the random-number kernels must not contract a*b+c (to match
 * Java bit for bit) and the others use {@code fmaf} explicitly where the CPU backend fuses.
 */
final class CudaKernels implements AutoCloseable {
    /** Resource folder of the kernel sources. */
    static final String FOLDER = "/dev/lottery/nn/backend/cuda/";
    /** The kernel files; a test compiles each of them with nvcc. */
    static final List<String> FILES = List.of("dense.cu", "keyed_random.cu", "radix_select.cu", "conv_ops.cu");

    private final Module dense;
    private final Module random;
    private final Module select;
    private final Module convOps;

    final Kernel addBias, addBiasRelu, relu, reluBackward, sumRows, softmaxXent, sgdMasked, applyMask,
            gatherRows, gather, advanceCursor, countNonZero, add, multiply;
    final Kernel fillUniform, fillNormal, permutation, dropoutMask;
    final Kernel radixBegin, radixHistogram, radixPick, radixPrune;
    final Kernel addChannelBias, channelSums, maxPool, maxPoolBackward, globalAvgPool, globalAvgPoolBackward,
            batchNormTraining, batchNormInference, batchNormBackward, shiftAndFlip;

    static KernelSource source(String file) {
        return KernelSource.fromResource(CudaKernels.class, FOLDER + file);
    }

    CudaKernels(CudaContext context, KernelCompiler compiler) {
        Module d = null, r = null, s = null, c = null;
        try {
            d = Module.compile(context, compiler, source("dense.cu"), false);
            r = Module.compile(context, compiler, source("keyed_random.cu"), false);
            s = Module.compile(context, compiler, source("radix_select.cu"), false);
            c = Module.compile(context, compiler, source("conv_ops.cu"), false);
        } catch (RuntimeException e) {
            for (Module m : new Module[] {d, r, s, c}) if (m != null) m.close();
            throw e;
        }
        dense = d;
        random = r;
        select = s;
        convOps = c;
        addBias = d.kernel("add_bias");
        addBiasRelu = d.kernel("add_bias_relu");
        relu = d.kernel("relu");
        reluBackward = d.kernel("relu_backward");
        sumRows = d.kernel("sum_rows");
        softmaxXent = d.kernel("softmax_xent");
        sgdMasked = d.kernel("sgd_masked");
        applyMask = d.kernel("apply_mask");
        gatherRows = d.kernel("gather_rows");
        gather = d.kernel("gather");
        advanceCursor = d.kernel("advance_cursor");
        countNonZero = d.kernel("count_nonzero");
        add = d.kernel("add");
        multiply = d.kernel("multiply");
        fillUniform = r.kernel("fill_uniform");
        fillNormal = r.kernel("fill_normal");
        permutation = r.kernel("permutation");
        dropoutMask = r.kernel("dropout_mask");
        radixBegin = s.kernel("radix_begin");
        radixHistogram = s.kernel("radix_histogram");
        radixPick = s.kernel("radix_pick");
        radixPrune = s.kernel("radix_prune");
        addChannelBias = c.kernel("add_channel_bias");
        channelSums = c.kernel("channel_sums");
        maxPool = c.kernel("max_pool");
        maxPoolBackward = c.kernel("max_pool_backward");
        globalAvgPool = c.kernel("global_avg_pool");
        globalAvgPoolBackward = c.kernel("global_avg_pool_backward");
        batchNormTraining = c.kernel("batch_norm_training");
        batchNormInference = c.kernel("batch_norm_inference");
        batchNormBackward = c.kernel("batch_norm_backward");
        shiftAndFlip = c.kernel("shift_and_flip");
    }

    @Override
    public void close() {
        dense.close();
        random.close();
        select.close();
        convOps.close();
    }
}
