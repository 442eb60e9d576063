/**
 * FFM bindings to the CUDA driver API, NVRTC, cuBLAS and cuDNN, one class per header in jextract's shape. No policy:
 * the safe, owning layer over them is {@code dev.lottery.gpu}.
 *
 * <p>The bindings call restricted methods (symbol lookup, downcall handles, {@code reinterpret}); run with
 * {@code --enable-native-access=dev.lottery.bindings} on the module path ({@code ALL-UNNAMED} on the class path).
 */
module dev.lottery.bindings {
    exports dev.lottery.bindings;
}
