/**
 * Thin, safe {@link java.lang.AutoCloseable} wrappers over the CUDA bindings: context, streams, events, pooled device
 * buffers, NVRTC-compiled kernels, CUDA graphs, cuBLAS and cuDNN handles.
 */
module dev.lottery.gpu {
    requires transitive dev.lottery.bindings;

    exports dev.lottery.gpu;
}
