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

    /**
     * A non-blocking stream in {@code context}.
     *
     * @param context the context, current on the calling thread; it must outlive the stream
     * @return the stream, owned by the caller, who closes it before the context
     */
    public static Stream create(CudaContext context) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            checkDriver(cuda_h.cuStreamCreate(out, cuda_h.CU_STREAM_NON_BLOCKING()), "cuStreamCreate");
            return new Stream(context, out.get(ValueLayout.ADDRESS, 0));
        }
    }

    /**
     * The context the stream belongs to.
     *
     * @return the context given to {@link #create}, not owned by the stream
     */
    public CudaContext context() { return context; }

    /**
     * The {@code CUstream} handle, for the bindings.
     *
     * @return the handle, which the stream keeps owning
     * @throws IllegalStateException if the stream is closed
     */
    public MemorySegment handle() {
        if (closed) throw new IllegalStateException("stream closed");
        return handle;
    }

    /** Waits until all work queued on the stream is done. */
    public void synchronize() {
        checkDriver(cuda_h.cuStreamSynchronize(handle()), "cuStreamSynchronize");
    }

    /**
     * Makes later work on this stream wait for {@code event}, without blocking the calling thread.
     *
     * @param event the event whose most recent {@link Event#record} this stream waits for
     */
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
