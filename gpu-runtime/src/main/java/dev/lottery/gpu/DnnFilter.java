package dev.lottery.gpu;

import dev.lottery.bindings.NativeLibraries;
import dev.lottery.bindings.cudnn_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.lottery.gpu.CudaException.checkCudnn;

/** A cuDNN filter descriptor: float32, KCRS (out channels, in channels, height, width). */
public final class DnnFilter implements AutoCloseable {
    private final MemorySegment handle;
    private boolean closed;

    private DnnFilter(MemorySegment handle) {
        this.handle = handle;
    }

    /**
     * Float filters {@code [k, c, r, s]}: output channels, input channels, rows, columns. Loads cuDNN first if
     * needed.
     *
     * @param k the output channels (number of filters), at least 1
     * @param c the input channels each filter reads: all of them, or those of its group in a grouped convolution
     * @param r the filter's rows, at least 1
     * @param s the filter's columns, at least 1
     * @return a new descriptor, owned by the caller; it describes memory, it holds none
     * @throws CudaException if cuDNN rejects the sizes
     */
    public static DnnFilter kcrs(int k, int c, int r, int s) {
        NativeLibraries.CUDNN.load();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            checkCudnn(cudnn_h.cudnnCreateFilterDescriptor(out), "cudnnCreateFilterDescriptor");
            DnnFilter f = new DnnFilter(out.get(ValueLayout.ADDRESS, 0));
            try {
                checkCudnn(cudnn_h.cudnnSetFilter4dDescriptor(f.handle, cudnn_h.CUDNN_DATA_FLOAT(), cudnn_h.CUDNN_TENSOR_NCHW(), k, c, r, s),
                        "cudnnSetFilter4dDescriptor");
            } catch (RuntimeException e) {
                f.close();
                throw e;
            }
            return f;
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
        checkCudnn(cudnn_h.cudnnDestroyFilterDescriptor(handle), "cudnnDestroyFilterDescriptor");
    }
}
