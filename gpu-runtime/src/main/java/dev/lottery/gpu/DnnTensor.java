package dev.lottery.gpu;

import dev.lottery.bindings.NativeLibraries;
import dev.lottery.bindings.cudnn_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.lottery.gpu.CudaException.checkCudnn;

/** A cuDNN tensor descriptor: float32, NCHW, packed. */
public final class DnnTensor implements AutoCloseable {
    private final MemorySegment handle;
    private final int n, c, h, w;
    private boolean closed;

    private DnnTensor(MemorySegment handle, int n, int c, int h, int w) {
        this.handle = handle;
        this.n = n;
        this.c = c;
        this.h = h;
        this.w = w;
    }

    /** A packed float tensor {@code [n, c, h, w]}. */
    public static DnnTensor nchw(int n, int c, int h, int w) {
        NativeLibraries.CUDNN.load();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            checkCudnn(cudnn_h.cudnnCreateTensorDescriptor(out), "cudnnCreateTensorDescriptor");
            DnnTensor t = new DnnTensor(out.get(ValueLayout.ADDRESS, 0), n, c, h, w);
            try {
                checkCudnn(cudnn_h.cudnnSetTensor4dDescriptor(t.handle, cudnn_h.CUDNN_TENSOR_NCHW(), cudnn_h.CUDNN_DATA_FLOAT(), n, c, h, w),
                        "cudnnSetTensor4dDescriptor(" + n + "," + c + "," + h + "," + w + ")");
            } catch (RuntimeException e) {
                t.close();
                throw e;
            }
            return t;
        }
    }

    /** {@code [n, c, h, w]}. */
    public int[] dims() { return new int[] {n, c, h, w}; }

    /** The number of elements. */
    public long elements() { return (long) n * c * h * w; }

    MemorySegment handle() {
        if (closed) throw new IllegalStateException("descriptor closed");
        return handle;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        checkCudnn(cudnn_h.cudnnDestroyTensorDescriptor(handle), "cudnnDestroyTensorDescriptor");
    }
}
