/**
 * Tensors, the {@code Backend} SPI with its CPU (Vector API) and CUDA backends, models as data, networks and
 * populations, optimizers, the trainer, Philox random streams, data sets and {@code .npy} files.
 *
 * <p>The layer implementations ({@code dev.lottery.nn.layers}), the backends' own packages and what they share
 * ({@code dev.lottery.nn.backend.common}) and the project's helpers ({@code dev.lottery.nn.internal}) are internal: a
 * backend is obtained through {@code Backends}, a model is described by a {@code ModelSpec}.
 */
module dev.lottery.nn {
    requires transitive dev.lottery.gpu;
    // The CPU backend's vector kernels, when the Vector API is resolved (java --add-modules jdk.incubator.vector);
    // without it the backend runs its scalar kernels after a one-line notice, so a runtime without the module works.
    requires static jdk.incubator.vector;
    // The free physical memory the CPU backend reports (com.sun.management).
    requires jdk.management;
    requires java.net.http;

    exports dev.lottery.nn;
    exports dev.lottery.nn.backend;
    exports dev.lottery.nn.data;
    exports dev.lottery.nn.data.augment;
    exports dev.lottery.nn.init;
    exports dev.lottery.nn.io;
    exports dev.lottery.nn.model;
    exports dev.lottery.nn.rng;
    exports dev.lottery.nn.tensor;
    exports dev.lottery.nn.train;
    // The command line's start-up warm-up drives the CPU backend's kernels directly.
    exports dev.lottery.nn.backend.cpu to dev.lottery.experiment;
    // Atomic file writes, which the experiment module's results store and reports use as well.
    exports dev.lottery.nn.internal to dev.lottery.experiment;
    // The CUDA kernels' .cu sources are resources of this package, read by dev.lottery.gpu's KernelSource.
    opens dev.lottery.nn.backend.cuda to dev.lottery.gpu;

    uses dev.lottery.nn.backend.BackendProvider;
    provides dev.lottery.nn.backend.BackendProvider with dev.lottery.nn.backend.cuda.CudaBackendProvider;
}
