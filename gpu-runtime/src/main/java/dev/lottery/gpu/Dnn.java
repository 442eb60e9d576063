package dev.lottery.gpu;

import dev.lottery.bindings.NativeLibraries;
import dev.lottery.bindings.cudnn_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.lottery.gpu.CudaException.checkCudnn;

/**
 * A cuDNN handle bound to one stream, with the pooling and activation calls; convolutions are planned by
 * {@link DnnConvolution}. All tensors are float32 NCHW ({@link DnnTensor}). Scalars alpha/beta blend the
 * result into the output: {@code y = alpha·op(x) + beta·y}.
 */
public final class Dnn implements AutoCloseable {
    private final MemorySegment handle;
    private final Stream stream;
    private boolean closed;

    private Dnn(MemorySegment handle, Stream stream) {
        this.handle = handle;
        this.stream = stream;
    }

    /**
     * A cuDNN handle whose work runs on {@code stream}. Loads cuDNN first if this is the process's first use of it.
     *
     * @param stream the stream every call of the handle is queued on; it must stay open while the handle is used
     * @return a new handle, owned by the caller, who closes it after the convolutions planned with it
     * @throws CudaException if cuDNN cannot create the handle or bind it to the stream
     */
    public static Dnn create(Stream stream) {
        NativeLibraries.CUDNN.load();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            checkCudnn(cudnn_h.cudnnCreate(out), "cudnnCreate");
            Dnn dnn = new Dnn(out.get(ValueLayout.ADDRESS, 0), stream);
            try {
                checkCudnn(cudnn_h.cudnnSetStream(dnn.handle, stream.handle()), "cudnnSetStream");
            } catch (RuntimeException e) {
                dnn.close();
                throw e;
            }
            return dnn;
        }
    }

    /**
     * The loaded cuDNN's version. Loads cuDNN first if needed.
     *
     * @return major·10000 + minor·100 + patch, e.g. 90600 for cuDNN 9.6.0
     */
    public static long version() {
        NativeLibraries.CUDNN.load();
        return cudnn_h.cudnnGetVersion();
    }

    /**
     * The stream the handle runs on.
     *
     * @return the stream given to {@link #create}, shared, not owned by the handle
     */
    public Stream stream() { return stream; }

    MemorySegment handle() {
        if (closed) throw new IllegalStateException("cuDNN handle closed");
        return handle;
    }

    static MemorySegment ptr(DeviceBuffer b) {
        return b == null ? MemorySegment.NULL : MemorySegment.ofAddress(b.address());
    }

    /**
     * {@code y = pool(x)}, queued on the handle's stream.
     *
     * @param pooling the window, padding and stride, max or average
     * @param xDesc x's shape {@code [n, c, h, w]}
     * @param x the input, {@code xDesc.elements()} floats
     * @param yDesc y's shape {@code [n, c, p, q]}, where p and q follow from the window, padding and stride
     * @param y the output, {@code yDesc.elements()} floats, overwritten
     */
    public void poolingForward(DnnPooling pooling, DnnTensor xDesc, DeviceBuffer x, DnnTensor yDesc, DeviceBuffer y) {
        try (Arena arena = Arena.ofConfined()) {
            checkCudnn(cudnn_h.cudnnPoolingForward(handle(), pooling.handle(), one(arena), xDesc.handle(), ptr(x), zero(arena),
                    yDesc.handle(), ptr(y)), "cudnnPoolingForward");
        }
    }

    /**
     * dx from dy, given the forward's x and y: for max pooling the gradient goes to each window's maximum, for
     * average pooling it is spread over the window. Queued on the handle's stream.
     *
     * @param pooling the descriptor the forward pass used
     * @param yDesc the shape of y and dy
     * @param y the forward's output
     * @param dy the loss's gradient with respect to y
     * @param xDesc the shape of x and dx
     * @param x the forward's input
     * @param dx the gradient with respect to x, overwritten (not accumulated)
     */
    public void poolingBackward(DnnPooling pooling, DnnTensor yDesc, DeviceBuffer y, DeviceBuffer dy, DnnTensor xDesc, DeviceBuffer x, DeviceBuffer dx) {
        try (Arena arena = Arena.ofConfined()) {
            checkCudnn(cudnn_h.cudnnPoolingBackward(handle(), pooling.handle(), one(arena), yDesc.handle(), ptr(y), yDesc.handle(), ptr(dy),
                    xDesc.handle(), ptr(x), zero(arena), xDesc.handle(), ptr(dx)), "cudnnPoolingBackward");
        }
    }

    /**
     * {@code y = activation(x)}, element by element, queued on the handle's stream.
     *
     * @param activation the function
     * @param desc the shape of x and y
     * @param x the input
     * @param y the output, overwritten; it may be {@code x} itself (in place)
     */
    public void activationForward(DnnActivation activation, DnnTensor desc, DeviceBuffer x, DeviceBuffer y) {
        try (Arena arena = Arena.ofConfined()) {
            checkCudnn(cudnn_h.cudnnActivationForward(handle(), activation.handle(), one(arena), desc.handle(), ptr(x), zero(arena),
                    desc.handle(), ptr(y)), "cudnnActivationForward");
        }
    }

    /**
     * {@code dx} from {@code dy} through the activation that gave {@code y} from {@code x}, queued on the handle's
     * stream.
     *
     * @param activation the function the forward pass used
     * @param desc the shape of all four tensors
     * @param y the forward's output
     * @param dy the loss's gradient with respect to y
     * @param x the forward's input
     * @param dx the gradient with respect to x, overwritten (not accumulated)
     */
    public void activationBackward(DnnActivation activation, DnnTensor desc, DeviceBuffer y, DeviceBuffer dy, DeviceBuffer x, DeviceBuffer dx) {
        try (Arena arena = Arena.ofConfined()) {
            checkCudnn(cudnn_h.cudnnActivationBackward(handle(), activation.handle(), one(arena), desc.handle(), ptr(y), desc.handle(), ptr(dy),
                    desc.handle(), ptr(x), zero(arena), desc.handle(), ptr(dx)), "cudnnActivationBackward");
        }
    }

    static MemorySegment one(Arena arena) { return arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1f); }

    static MemorySegment zero(Arena arena) { return arena.allocateFrom(ValueLayout.JAVA_FLOAT, 0f); }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        checkCudnn(cudnn_h.cudnnDestroy(handle), "cudnnDestroy");
    }
}
