package dev.lottery.nn.layers;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.model.ImageShape;
import dev.lottery.nn.tensor.Tensor;
import java.util.HashMap;
import java.util.Map;

/**
 * A layer's activation buffers: for every batch size, one tensor per role (output, input gradient, ...), created
 * zero-filled on first use and reused after, so a training step allocates nothing once warm. A tensor is
 * {@code [batch, features]} for flat shapes and {@code [batch, channels, height, width]} otherwise.
 */
final class BatchBuffers implements AutoCloseable {
    private final Backend backend;
    private final String layer;
    private final String[] roles;
    private final ImageShape[] shapes;
    private final Map<Integer, Tensor[]> byBatch = new HashMap<>();

    /** {@code rolesAndShapes}: role names with the per-example shape of each, e.g. "out", shape, "dx", shape. */
    BatchBuffers(Backend backend, String layer, Object... rolesAndShapes) {
        this.backend = backend;
        this.layer = layer;
        this.roles = new String[rolesAndShapes.length / 2];
        this.shapes = new ImageShape[roles.length];
        for (int i = 0; i < roles.length; i++) {
            roles[i] = (String) rolesAndShapes[2 * i];
            shapes[i] = (ImageShape) rolesAndShapes[2 * i + 1];
        }
    }

    Tensor get(int role, int batch) {
        Tensor[] set = byBatch.computeIfAbsent(batch, b -> new Tensor[roles.length]);
        Tensor t = set[role];
        if (t == null) {
            ImageShape s = shapes[role];
            String name = layer + "." + roles[role];
            t = s.isFlat() ? backend.zeros(name, batch, s.features()) : backend.zeros(name, batch, s.channels(), s.height(), s.width());
            set[role] = t;
        }
        return t;
    }

    @Override
    public void close() {
        for (Tensor[] set : byBatch.values()) {
            for (Tensor t : set) if (t != null) t.close();
        }
        byBatch.clear();
    }
}
