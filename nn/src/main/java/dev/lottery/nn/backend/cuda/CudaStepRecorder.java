package dev.lottery.nn.backend.cuda;

import dev.lottery.gpu.DeviceBuffer;
import dev.lottery.gpu.Graph;
import dev.lottery.gpu.TransferPurpose;
import dev.lottery.nn.backend.StepRecorder;
import dev.lottery.nn.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One training run's iterations as CUDA graphs: per key (the learning rate), the first iteration runs eagerly
 * (so the network's workspaces, cuBLAS's workspace and every pooled buffer exist), the second is captured from
 * the stream into a graph and launched, and every later one is a single {@code cuGraphLaunch}. A recorded step
 * reads its batch through a device-side cursor into the epoch's order (uploaded once per epoch into one fixed
 * buffer) and advances the cursor itself, so the same graph reads a new batch at every replay. Nothing in the
 * steady state allocates or synchronizes; the trainer's evaluations are the only waits.
 */
final class CudaStepRecorder implements StepRecorder {
    private final CudaBackend backend;
    private final DeviceBuffer cursor;
    private DeviceBuffer order;
    private int orderCapacity;
    private final Set<Object> warm = new HashSet<>();
    private final Map<Object, Graph.Exec> graphs = new HashMap<>();
    private long replays;

    CudaStepRecorder(CudaBackend backend) {
        this.backend = backend;
        this.cursor = backend.pool().allocate(Integer.BYTES);
    }

    @Override
    public void useOrder(int[] newOrder, int start) {
        if (start < 0 || start > newOrder.length) throw new IndexOutOfBoundsException("start " + start + " of " + newOrder.length);
        if (order == null || orderCapacity < newOrder.length) {
            // Recordings point at the old buffer: a larger order (another data set) starts them afresh.
            dropRecordings();
            if (order != null) order.close();
            order = backend.pool().allocate(Math.max(1, newOrder.length) * (long) Integer.BYTES);
            orderCapacity = newOrder.length;
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

    @Override
    public void run(Object key, Runnable step) {
        Graph.Exec exec = graphs.get(key);
        if (exec == null) {
            if (warm.add(key)) {
                step.run();
                return;
            }
            try (Graph graph = Graph.capture(backend.stream(), step)) {
                exec = graph.instantiate();
            }
            graphs.put(key, exec);
        }
        exec.launch(backend.stream());
        replays++;
    }

    /** Graph launches so far (tests: nearly every iteration of a run is one). */
    long replays() {
        return replays;
    }

    private void dropRecordings() {
        graphs.values().forEach(Graph.Exec::close);
        graphs.clear();
        warm.clear();
    }

    @Override
    public void close() {
        dropRecordings();
        if (order != null) order.close();
        cursor.close();
    }
}
