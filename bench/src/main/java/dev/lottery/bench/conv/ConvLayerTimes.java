package dev.lottery.bench.conv;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.ConvGeometry;
import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.model.ImageShape;
import dev.lottery.nn.model.LayerSpec;
import dev.lottery.nn.model.ModelSpec;
import dev.lottery.nn.model.Preset;
import dev.lottery.nn.model.Presets;
import dev.lottery.nn.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Every convolution of a preset's training step, one pass at a time on the CPU backend: forward, data gradient (not
 * for the network's first layer, whose input needs none) and filter gradient, at the preset's batch size. Layers of
 * one geometry are timed once and counted. Rounds go over all layers and passes in turn and each pass keeps its
 * fastest call, so a busy moment of a shared machine costs a round, not a layer. {@code scripts/bench-conv-layers.sh}
 * runs it beside the same passes in PyTorch ({@code bench/python/conv_layers_torch.py}), which times the geometries
 * this class lists.
 *
 * <p>Usage: {@code ConvLayerTimes [--models resnet20,conv4] [--rounds 6] [--calls 3] [--list]}; prints one JSON object
 * per line: with {@code --list} one per layer geometry, else one per (geometry, pass) with its fastest time in ms.
 */
public final class ConvLayerTimes {
    private ConvLayerTimes() {}

    /** The convolutions of one geometry in a model: their names, how many there are, and whether the first is the input's. */
    record Layer(String model, ConvGeometry geometry, List<String> names, boolean input) {
        String json() {
            ConvGeometry g = geometry;
            return String.format(Locale.ROOT, "{\"model\": \"%s\", \"layers\": \"%s\", \"count\": %d, \"input\": %b, "
                            + "\"geometry\": [%d, %d, %d, %d, %d, %d, %d, %d]", model, String.join(" ", names), names.size(), input,
                    g.batch(), g.channels(), g.height(), g.width(), g.filters(), g.kernel(), g.stride(), g.pad());
        }

        /** Whether pass {@code pass} (an index into {@link #PASSES}) is timed: all but the input layer's data gradient. */
        boolean times(int pass) {
            return pass != 1 || !input;
        }
    }

    /** The passes, in the order they are timed. */
    private static final String[] PASSES = {"forward", "data", "filter"};

    public static void main(String[] args) {
        String models = "resnet20,conv4";
        int rounds = 6, calls = 3;
        boolean list = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--models" -> models = args[++i];
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--calls" -> calls = Integer.parseInt(args[++i]);
                case "--list" -> list = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; usage: [--models resnet20,conv4] [--rounds 6] [--calls 3] [--list]");
            }
        }
        List<Layer> layers = new ArrayList<>();
        for (String model : models.split(",")) layers.addAll(layers(model));
        if (list) {
            for (Layer layer : layers) System.out.println(layer.json() + "}");
            return;
        }
        try (Backend backend = new CpuBackend()) {
            List<Passes> timed = new ArrayList<>();
            for (Layer layer : layers) timed.add(new Passes(backend, layer));
            for (int round = 0; round < rounds; round++) {
                for (Passes p : timed) p.run(calls);
            }
            for (Passes p : timed) {
                for (int pass = 0; pass < PASSES.length; pass++) {
                    if (!p.layer.times(pass)) continue;
                    System.out.printf(Locale.ROOT, "%s, \"side\": \"ours\", \"pass\": \"%s\", \"ms\": %.3f}%n", p.layer.json(), PASSES[pass],
                            p.best[pass]);
                }
                p.close();
            }
        }
    }

    /**
     * The convolutions of preset {@code model} at its batch size, one entry per geometry in order of first use: plain
     * convolution layers, and a residual block's two 3x3 convolutions and its 1x1 projection where it has one.
     */
    static List<Layer> layers(String model) {
        Preset preset = Presets.get(model);
        ModelSpec spec = preset.model();
        Map<ConvGeometry, List<String>> byGeometry = new LinkedHashMap<>();
        List<ImageShape> inputs = spec.inputShapes();
        ConvGeometry first = null;
        for (int i = 0; i < spec.layers().size(); i++) {
            ImageShape in = inputs.get(i);
            List<LayerSpec.Conv2d> convs = new ArrayList<>();
            List<ImageShape> shapes = new ArrayList<>();
            switch (spec.layers().get(i)) {
                case LayerSpec.Conv2d c -> {
                    convs.add(c);
                    shapes.add(in);
                }
                case LayerSpec.ResidualBlock b -> {
                    convs.add(b.conv1());
                    shapes.add(in);
                    convs.add(b.conv2());
                    shapes.add(b.conv1().outputShape(in));
                    if (b.projects(in)) {
                        convs.add(b.shortcut());
                        shapes.add(in);
                    }
                }
                default -> { }
            }
            for (int k = 0; k < convs.size(); k++) {
                LayerSpec.Conv2d c = convs.get(k);
                ImageShape s = shapes.get(k);
                ConvGeometry g = new ConvGeometry(preset.batchSize(), s.channels(), s.height(), s.width(), c.filters(), c.kernel(),
                        c.stride(), c.padding().amount(c.kernel()));
                if (first == null) first = g;
                byGeometry.computeIfAbsent(g, x -> new ArrayList<>()).add(c.name());
            }
        }
        List<Layer> layers = new ArrayList<>();
        for (Map.Entry<ConvGeometry, List<String>> e : byGeometry.entrySet()) {
            layers.add(new Layer(model, e.getKey(), e.getValue(), e.getKey().equals(first)));
        }
        return layers;
    }

    /** One geometry's tensors (random values) and its fastest time per pass so far. */
    private static final class Passes implements AutoCloseable {
        final Layer layer;
        final double[] best = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        private final Backend backend;
        private final Tensor x, w, b, y, dy, dx, dw, db;

        Passes(Backend backend, Layer layer) {
            this.backend = backend;
            this.layer = layer;
            ConvGeometry g = layer.geometry();
            SplittableRandom rnd = new SplittableRandom(Arrays.hashCode(new int[] {g.channels(), g.height(), g.filters()}));
            int n = g.batch(), c = g.channels(), k = g.filters(), r = g.kernel(), p = g.outHeight(), q = g.outWidth();
            x = backend.upload("x", ConvLayerBenchmark.random(rnd, g.inputSize()), n, c, g.height(), g.width());
            w = backend.upload("w", ConvLayerBenchmark.random(rnd, g.filterSize()), k, c, r, r);
            b = backend.upload("b", ConvLayerBenchmark.random(rnd, k), k);
            y = backend.zeros("y", n, k, p, q);
            dy = backend.upload("dy", ConvLayerBenchmark.random(rnd, g.outputSize()), n, k, p, q);
            dx = backend.zeros("dx", n, c, g.height(), g.width());
            dw = backend.zeros("dw", k, c, r, r);
            db = backend.zeros("db", k);
        }

        void run(int calls) {
            for (int pass = 0; pass < PASSES.length; pass++) {
                if (!layer.times(pass)) continue;
                for (int i = 0; i < calls; i++) {
                    long start = System.nanoTime();
                    switch (pass) {
                        case 0 -> backend.conv2d(x, w, b, y, layer.geometry());
                        case 1 -> backend.conv2dBackwardData(dy, w, dx, layer.geometry());
                        default -> backend.conv2dBackwardFilter(x, dy, dw, db, layer.geometry());
                    }
                    best[pass] = Math.min(best[pass], (System.nanoTime() - start) / 1e6);
                }
            }
        }

        @Override
        public void close() {
            for (Tensor t : new Tensor[] {x, w, b, y, dy, dx, dw, db}) t.close();
        }
    }
}
