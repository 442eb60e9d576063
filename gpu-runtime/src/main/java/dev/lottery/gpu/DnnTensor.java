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

    /**
     * A packed float tensor {@code [n, c, h, w]}. Loads cuDNN first if needed.
     *
     * @param n the batch size, at least 1
     * @param c the channels, at least 1
     * @param h the rows of each channel, at least 1
     * @param w the columns of each row, at least 1
     * @return a new descriptor, owned by the caller; it describes memory, it holds none
     * @throws CudaException if cuDNN rejects the sizes ({@code CUDNN_STATUS_BAD_PARAM})
     */
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

    /**
     * The shape.
     *
     * @return a new array {@code [n, c, h, w]}
     */
    public int[] dims() { return new int[] {n, c, h, w}; }

    /**
     * The number of elements.
     *
     * @return {@code n·c·h·w}: the floats a buffer of this shape holds
     */
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
