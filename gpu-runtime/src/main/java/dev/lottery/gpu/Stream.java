package dev.lottery.gpu;

import dev.lottery.bindings.cuda_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.lottery.gpu.CudaException.checkDriver;

/** A CUDA stream: work submitted to it runs in order. Non-blocking with respect to the legacy default stream. */
public final class Stream implements AutoCloseable {
    private final CudaContext context;
    private final MemorySegment handle;
    private boolean closed;

    private Stream(CudaContext context, MemorySegment handle) {
        this.context = context;
        this.handle = handle;
    }

    /** A non-blocking stream in {@code context}. */
    public static Stream create(CudaContext context) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            checkDriver(cuda_h.cuStreamCreate(out, cuda_h.CU_STREAM_NON_BLOCKING()), "cuStreamCreate");
            return new Stream(context, out.get(ValueLayout.ADDRESS, 0));
        }
    }

    /** The context the stream belongs to. */
    public CudaContext context() { return context; }

    /** The {@code CUstream} handle, for the bindings. */
    public MemorySegment handle() {
        if (closed) throw new IllegalStateException("stream closed");
        return handle;
    }

    /** Waits until all work queued on the stream is done. */
    public void synchronize() {
        checkDriver(cuda_h.cuStreamSynchronize(handle()), "cuStreamSynchronize");
    }

    /** Makes later work on this stream wait for {@code event}. */
    public void waitFor(Event event) {
        checkDriver(cuda_h.cuStreamWaitEvent(handle(), event.handle(), 0), "cuStreamWaitEvent");
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        checkDriver(cuda_h.cuStreamDestroy_v2(handle), "cuStreamDestroy");
    }
}
