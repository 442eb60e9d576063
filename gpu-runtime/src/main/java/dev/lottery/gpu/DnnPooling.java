package dev.lottery.gpu;

import dev.lottery.bindings.NativeLibraries;
import dev.lottery.bindings.cudnn_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.lottery.gpu.CudaException.checkCudnn;

/** A 2-D pooling descriptor (max or average). */
public final class DnnPooling implements AutoCloseable {
    private final MemorySegment handle;
    private boolean closed;

    private DnnPooling(MemorySegment handle) {
        this.handle = handle;
    }

    /**
     * Max pooling over square windows.
     *
     * @param window the window's side, at least 1
     * @param padding the implicit border on each side, at least 0
     * @param stride the step between windows in both directions, at least 1
     * @return a new descriptor, owned by the caller
     * @throws CudaException if cuDNN rejects the sizes
     */
    public static DnnPooling max2d(int window, int padding, int stride) {
        return create(cudnn_h.CUDNN_POOLING_MAX(), window, padding, stride);
    }

    /**
     * Average pooling over square windows (padding excluded from the count).
     *
     * @param window the window's side, at least 1
     * @param padding the implicit border on each side, at least 0; a window that overlaps it averages only its real
     *     elements
     * @param stride the step between windows in both directions, at least 1
     * @return a new descriptor, owned by the caller
     * @throws CudaException if cuDNN rejects the sizes
     */
    public static DnnPooling average2d(int window, int padding, int stride) {
        return create(cudnn_h.CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING(), window, padding, stride);
    }

    private static DnnPooling create(int mode, int window, int padding, int stride) {
        NativeLibraries.CUDNN.load();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            checkCudnn(cudnn_h.cudnnCreatePoolingDescriptor(out), "cudnnCreatePoolingDescriptor");
            DnnPooling p = new DnnPooling(out.get(ValueLayout.ADDRESS, 0));
            try {
                checkCudnn(cudnn_h.cudnnSetPooling2dDescriptor(p.handle, mode, cudnn_h.CUDNN_NOT_PROPAGATE_NAN(), window, window,
                        padding, padding, stride, stride), "cudnnSetPooling2dDescriptor");
            } catch (RuntimeException e) {
                p.close();
                throw e;
            }
            return p;
        }
    }

    MemorySegment handle() {
        if (closed) throw new IllegalStateException("descriptor closed");
        return handle;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        checkCudnn(cudnn_h.cudnnDestroyPoolingDescriptor(handle), "cudnnDestroyPoolingDescriptor");
    }
}
