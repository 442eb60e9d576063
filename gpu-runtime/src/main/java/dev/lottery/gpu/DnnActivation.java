package dev.lottery.gpu;

import dev.lottery.bindings.NativeLibraries;
import dev.lottery.bindings.cudnn_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.lottery.gpu.CudaException.checkCudnn;

/** An activation descriptor (ReLU, sigmoid, tanh). */
public final class DnnActivation implements AutoCloseable {
    private final MemorySegment handle;
    private boolean closed;

    private DnnActivation(MemorySegment handle) {
        this.handle = handle;
    }

    /**
     * The rectifier {@code max(0, x)}.
     *
     * @return a new descriptor, owned by the caller
     */
    public static DnnActivation relu() { return create(cudnn_h.CUDNN_ACTIVATION_RELU()); }

    /**
     * The logistic function {@code 1 / (1 + e^-x)}.
     *
     * @return a new descriptor, owned by the caller
     */
    public static DnnActivation sigmoid() { return create(cudnn_h.CUDNN_ACTIVATION_SIGMOID()); }

    /**
     * The hyperbolic tangent.
     *
     * @return a new descriptor, owned by the caller
     */
    public static DnnActivation tanh() { return create(cudnn_h.CUDNN_ACTIVATION_TANH()); }

    private static DnnActivation create(int mode) {
        NativeLibraries.CUDNN.load();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            checkCudnn(cudnn_h.cudnnCreateActivationDescriptor(out), "cudnnCreateActivationDescriptor");
            DnnActivation a = new DnnActivation(out.get(ValueLayout.ADDRESS, 0));
            try {
                checkCudnn(cudnn_h.cudnnSetActivationDescriptor(a.handle, mode, cudnn_h.CUDNN_NOT_PROPAGATE_NAN(), 0.0), "cudnnSetActivationDescriptor");
            } catch (RuntimeException e) {
                a.close();
                throw e;
            }
            return a;
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
        checkCudnn(cudnn_h.cudnnDestroyActivationDescriptor(handle), "cudnnDestroyActivationDescriptor");
    }
}
