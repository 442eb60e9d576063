package dev.lottery.nn.backend.cuda;

import dev.lottery.gpu.DeviceBuffer;
import dev.lottery.gpu.Graph;
import dev.lottery.gpu.TransferPurpose;
import dev.lottery.nn.backend.StepRecorder;
import dev.lottery.nn.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * One training run's iterations as CUDA graphs: a step the trainer has run once eagerly (so the network's
 * workspaces, cuBLAS's workspace and every pooled buffer exist) is captured from the stream into a graph and
 * launched, and every replay is a single {@code cuGraphLaunch}. A recorded step
 * reads its batch through a device-side cursor into the epoch's order (uploaded once per epoch into one fixed
 * buffer) and advances the cursor itself, so the same graph reads a new batch at every replay. Nothing in the
 * steady state allocates or synchronizes; the trainer's evaluations are the only waits.
 */
final class CudaStepRecorder implements StepRecorder {
    private final CudaBackend backend;
    private final DeviceBuffer cursor;
    private DeviceBuffer order;
    private int orderCapacity;
    /** Every recording made, closed with the recorder (they point at this run's tensors). */
    private final List<Graph.Exec> graphs = new ArrayList<>();
    private long replays;

    CudaStepRecorder(CudaBackend backend) {
        this.backend = backend;
        this.cursor = backend.pool().allocate(Integer.BYTES);
    }

    @Override
    public void useOrder(int[] newOrder, int start) {
        if (start < 0 || start > newOrder.length) throw new IndexOutOfBoundsException("start " + start + " of " + newOrder.length);
        if (order == null) {
            order = backend.pool().allocate(Math.max(1, newOrder.length) * (long) Integer.BYTES);
            orderCapacity = newOrder.length;
        } else if (orderCapacity < newOrder.length) {
            // Recordings read the order through this buffer's address: one recorder serves one run over one data set.
            throw new IllegalStateException("an order of " + newOrder.length + " examples after one of " + orderCapacity);
        }
        if (newOrder.length > 0) {
            try (Arena arena = Arena.ofConfined()) {
                order.copyFromHost(arena.allocateFrom(ValueLayout.JAVA_INT, newOrder), TransferPurpose.DATA, backend.stream());
                backend.stream().synchronize(); // the staging memory is freed with the arena
            }
        }
        cursor.fillInts(start, backend.stream());
    }

    @Override
    public void gatherNextBatch(Tensor images, Tensor labels, Tensor x, Tensor y) {
        if (order == null) throw new IllegalStateException("useOrder first");
        backend.gatherAtCursor(images, labels, order.address(), cursor.address(), x, y);
    }

    /** Runs the step's calls as they come: the GPU runs them in stream order whatever thread issues them. */
    @Override
    public void run(Runnable step) {
        step.run();
    }

    @Override
    public boolean records() {
        return true;
    }

    /** Captures {@code step} from the stream into a graph, launches it once, and returns it for replays. */
    @Override
    public Recording record(Runnable step) {
        Graph.Exec exec;
        try (Graph graph = Graph.capture(backend.stream(), step)) {
            exec = graph.instantiate();
        }
        graphs.add(exec);
        exec.launch(backend.stream());
        return () -> {
            exec.launch(backend.stream());
            replays++;
        };
    }

    /** Graph launches so far (tests: nearly every iteration of a run is one). */
    long replays() {
        return replays;
    }

    @Override
    public void close() {
        graphs.forEach(Graph.Exec::close);
        graphs.clear();
        if (order != null) order.close();
        cursor.close();
    }
}
