package dev.lottery.gpu;

import dev.lottery.bindings.CUgraphExecUpdateResultInfo_st;
import dev.lottery.bindings.cuda_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.lottery.gpu.CudaException.checkDriver;

/**
 * A CUDA graph recorded from a stream: {@link #capture} runs some work in capture mode (nothing executes),
 * {@link #instantiate} makes it launchable, and {@link Exec#update} swaps in a graph of the same shape with
 * new parameters (e.g. other scalars or pointers) without re-instantiating.
 */
public final class Graph implements AutoCloseable {
    private final MemorySegment handle;
    private boolean closed;

    private Graph(MemorySegment handle) {
        this.handle = handle;
    }

    /**
     * Records what {@code work} queues on {@code stream}. Capture is thread-local: other threads may keep using
     * CUDA meanwhile, but this thread must not make calls that are illegal during capture (synchronising,
     * cuMemAlloc — use a warmed-up {@link DevicePool} or a {@link StreamOrderedAllocator}).
     *
     * @param stream the stream whose work is recorded; it is back in normal mode when this returns or throws
     * @param work queues the work on {@code stream}; host code in it runs once, now, and is not part of the graph
     * @return the recorded graph, owned by the caller
     * @throws CudaException if the capture fails, e.g. because {@code work} made a call illegal during capture
     */
    public static Graph capture(Stream stream, Runnable work) {
        checkDriver(cuda_h.cuStreamBeginCapture_v2(stream.handle(), cuda_h.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL()), "cuStreamBeginCapture");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            try {
                work.run();
            } catch (RuntimeException | Error e) {
                // End the capture so the stream is usable again; the partial graph is dropped.
                if (cuda_h.cuStreamEndCapture(stream.handle(), out) == 0 && !out.get(ValueLayout.ADDRESS, 0).equals(MemorySegment.NULL)) {
                    cuda_h.cuGraphDestroy(out.get(ValueLayout.ADDRESS, 0));
                }
                throw e;
            }
            checkDriver(cuda_h.cuStreamEndCapture(stream.handle(), out), "cuStreamEndCapture");
            return new Graph(out.get(ValueLayout.ADDRESS, 0));
        }
    }

    /**
     * The {@code CUgraph} handle, for the bindings.
     *
     * @return the handle, which the graph keeps owning
     * @throws IllegalStateException if the graph is closed
     */
    public MemorySegment handle() {
        if (closed) throw new IllegalStateException("graph closed");
        return handle;
    }

    /**
     * An executable instance of this graph.
     *
     * @return a new executable, owned by the caller, independent of this graph (which may be closed)
     * @throws IllegalStateException if the graph is closed
     */
    public Exec instantiate() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            checkDriver(cuda_h.cuGraphInstantiateWithFlags(out, handle(), 0L), "cuGraphInstantiate");
            return new Exec(out.get(ValueLayout.ADDRESS, 0));
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        checkDriver(cuda_h.cuGraphDestroy(handle), "cuGraphDestroy");
    }

    /** An instantiated graph. */
    public static final class Exec implements AutoCloseable {
        private final MemorySegment handle;
        private boolean closed;

        private Exec(MemorySegment handle) {
            this.handle = handle;
        }

        /**
         * Launches the instantiated graph on {@code stream}.
         *
         * @param stream the stream the graph's work is queued on, after the work queued there before
         */
        public void launch(Stream stream) {
            checkDriver(cuda_h.cuGraphLaunch(handle(), stream.handle()), "cuGraphLaunch");
        }

        /**
         * Takes the parameters of {@code graph}, which must have the same topology. Returns false (and leaves
         * this executable as it was) when the driver refuses the update; re-instantiate then.
         *
         * @param graph a graph recorded like the one this was instantiated from; it is only read
         * @return true when this executable now runs with {@code graph}'s parameters
         */
        public boolean update(Graph graph) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment info = CUgraphExecUpdateResultInfo_st.allocate(arena);
                int rc = cuda_h.cuGraphExecUpdate_v2(handle(), graph.handle(), info);
                if (rc == cuda_h.CUDA_ERROR_GRAPH_EXEC_UPDATE_FAILURE()) return false;
                checkDriver(rc, "cuGraphExecUpdate");
                return CUgraphExecUpdateResultInfo_st.result(info) == cuda_h.CU_GRAPH_EXEC_UPDATE_SUCCESS();
            }
        }

        /**
         * The {@code CUgraphExec} handle, for the bindings.
         *
         * @return the handle, which the executable keeps owning
         * @throws IllegalStateException if the executable is closed
         */
        public MemorySegment handle() {
            if (closed) throw new IllegalStateException("graph exec closed");
            return handle;
        }

        @Override
        public void close() {
            if (closed) return;
            closed = true;
            checkDriver(cuda_h.cuGraphExecDestroy(handle), "cuGraphExecDestroy");
        }
    }
}
