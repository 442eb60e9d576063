package dev.lottery.gpu;

import dev.lottery.bindings.cuda_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.lottery.gpu.CudaException.checkDriver;

/** A CUDA event, for ordering between streams and for GPU-side timing ({@link #elapsedMillis}). */
public final class Event implements AutoCloseable {
    private final MemorySegment handle;
    private boolean closed;

    private Event(MemorySegment handle) {
        this.handle = handle;
    }

    /**
     * A timing event.
     *
     * @return a new event with default flags, owned by the caller, made in the calling thread's current context
     */
    public static Event create() {
        return create(cuda_h.CU_EVENT_DEFAULT());
    }

    /**
     * An event with the {@code CU_EVENT_*} {@code flags}.
     *
     * @param flags {@code CU_EVENT_*} bits OR-ed together, e.g. {@code CU_EVENT_DISABLE_TIMING} for an event used
     *     only to order streams
     * @return a new event, owned by the caller, made in the calling thread's current context
     */
    public static Event create(int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            checkDriver(cuda_h.cuEventCreate(out, flags), "cuEventCreate");
            return new Event(out.get(ValueLayout.ADDRESS, 0));
        }
    }

    /**
     * The {@code CUevent} handle, for the bindings.
     *
     * @return the handle, which the event keeps owning
     * @throws IllegalStateException if the event is closed
     */
    public MemorySegment handle() {
        if (closed) throw new IllegalStateException("event closed");
        return handle;
    }

    /**
     * Records the event at {@code stream}'s current position: it happens once the work queued before it is done.
     *
     * @param stream the stream to record on; recording again moves the event to the newer position
     */
    public void record(Stream stream) {
        checkDriver(cuda_h.cuEventRecord(handle(), stream.handle()), "cuEventRecord");
    }

    /** Waits until the event has happened. */
    public void synchronize() {
        checkDriver(cuda_h.cuEventSynchronize(handle()), "cuEventSynchronize");
    }

    /**
     * Milliseconds of GPU time between two recorded events (waits for {@code end}).
     *
     * @param start recorded first, with timing enabled
     * @param end recorded after {@code start}, with timing enabled
     * @return the time between them in milliseconds, with about half a microsecond's resolution
     */
    public static float elapsedMillis(Event start, Event end) {
        end.synchronize();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ms = arena.allocate(ValueLayout.JAVA_FLOAT);
            checkDriver(cuda_h.cuEventElapsedTime_v2(ms, start.handle(), end.handle()), "cuEventElapsedTime");
            return ms.get(ValueLayout.JAVA_FLOAT, 0);
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        checkDriver(cuda_h.cuEventDestroy_v2(handle), "cuEventDestroy");
    }
}
