/**
 * FFM (Panama) bindings to the CUDA driver API ({@code cuda_h}), NVRTC ({@code nvrtc_h}), cuBLAS ({@code cublas_v2_h})
 * and cuDNN ({@code cudnn_h}), in jextract's shape: one class per header, one static method per C function, one class
 * per C struct. They add no policy: errors are the C functions' status codes and memory is the caller's. The libraries
 * are loaded by soname from a search path ({@link dev.lottery.bindings.LibrarySearchPath}); a missing library is a
 * {@link dev.lottery.bindings.CudaLibraryNotFoundException} when first used, never a failure to load the class.
 *
 * <p>Most programs use the owning wrappers of {@code dev.lottery.gpu} instead. Calls are as thread-safe as the CUDA
 * functions they bind.
 */
package dev.lottery.bindings;
