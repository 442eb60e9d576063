/**
 * Safe, owning wrappers over the CUDA bindings: a {@link dev.lottery.gpu.CudaContext} per device, streams and events,
 * device buffers from a pooling allocator ({@link dev.lottery.gpu.DevicePool}), kernels compiled with NVRTC and cached
 * on disk ({@link dev.lottery.gpu.KernelCompiler}, {@link dev.lottery.gpu.KernelCache}), CUDA graphs, and cuBLAS and
 * cuDNN handles. Every native resource is {@link java.lang.AutoCloseable} and has one owner; CUDA errors become
 * {@link dev.lottery.gpu.CudaException}s that name the call and the error.
 *
 * <p>{@link dev.lottery.gpu.CudaContext#isAvailable()} probes for a usable driver and device without failing: its
 * reason is one line for the user.
 *
 * <p>Threads: a context and what is made in it (streams, buffers, handles, graphs) belong to the thread that uses the
 * context; share them across threads only with your own synchronization. The transfer counters are safe to read from
 * any thread.
 */
package dev.lottery.gpu;
