/**
 * FFM bindings to the CUDA driver API, NVRTC, cuBLAS and cuDNN, one class per header in jextract's shape. No policy:
 * the safe, owning layer over them is {@code dev.lottery.gpu}.
 *
 * <p>The package is exported only to the modules built on it: it is a generated mirror of the C headers, the GPU
 * runtime's implementation rather than an API, so programs use {@code dev.lottery.gpu}. On the class path it stays
 * reachable like any other package.
 *
 * <p>The bindings call restricted methods (symbol lookup, downcall handles, {@code reinterpret}); run with
 * {@code --enable-native-access=dev.lottery.bindings} on the module path ({@code ALL-UNNAMED} on the class path).
 */
// The modules the package is exported to are built after this one: javac cannot find them here and would say so.
@SuppressWarnings("module")
module dev.lottery.bindings {
    // The GPU runtime is written on the bindings; nn's CUDA backend looks for the driver library on the bindings'
    // search path before it probes the driver.
    exports dev.lottery.bindings to dev.lottery.gpu, dev.lottery.nn;
}
