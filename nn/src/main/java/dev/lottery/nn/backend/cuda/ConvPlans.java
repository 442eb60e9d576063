package dev.lottery.nn.backend.cuda;

import dev.lottery.gpu.DevicePool;
import dev.lottery.gpu.Dnn;
import dev.lottery.gpu.DnnConvolution;
import dev.lottery.gpu.DnnFilter;
import dev.lottery.gpu.DnnTensor;
import dev.lottery.gpu.Stream;
import dev.lottery.nn.backend.ConvGeometry;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * cuDNN convolutions planned once per {@link ConvGeometry}: tensor and filter descriptors, the algorithms cuDNN's
 * heuristics pick and their workspace (from the backend's pool). A training loop meets a handful of shapes (each
 * layer, at the training and evaluation batch sizes), so after the first step every call is a map lookup and
 * the steady state allocates nothing. The cuDNN handle is created on first use, so dense-only models never load
 * cuDNN.
 */
final class ConvPlans implements AutoCloseable {
    /** One planned convolution; closes its descriptors and workspace. */
    record Plan(DnnTensor x, DnnFilter w, DnnTensor y, DnnConvolution conv) implements AutoCloseable {
        @Override
        public void close() {
            conv.close();
            y.close();
            w.close();
            x.close();
        }
    }

    private final Stream stream;
    private final DevicePool pool;
    private final Map<ConvGeometry, Plan> plans = new HashMap<>();
    private Dnn dnn;

    ConvPlans(Stream stream, DevicePool pool) {
        this.stream = stream;
        this.pool = pool;
    }

    /** The plan for {@code g}, made (descriptors, algorithm choice, workspace) on the first call for that shape. */
    Plan plan(ConvGeometry g) {
        Plan p = plans.get(g);
        if (p == null) {
            p = make(g);
            plans.put(g, p);
        }
        return p;
    }

    /** Shapes planned so far (tests: the steady state plans nothing new). */
    int size() {
        return plans.size();
    }

    private Plan make(ConvGeometry g) {
        if (dnn == null) dnn = Dnn.create(stream);
        DnnTensor x = null, y = null;
        DnnFilter w = null;
        try {
            x = DnnTensor.nchw(g.batch(), g.channels(), g.height(), g.width());
            w = DnnFilter.kcrs(g.filters(), g.groupChannels(), g.kernel(), g.kernel());
            int[] dims = DnnConvolution.outputDims(x, w, g.pad(), g.stride(), g.groups());
            if (dims[0] != g.batch() || dims[1] != g.filters() || dims[2] != g.outHeight() || dims[3] != g.outWidth()) {
                throw new IllegalStateException("cuDNN output dims " + Arrays.toString(dims) + " differ from " + g);
            }
            y = DnnTensor.nchw(g.batch(), g.filters(), g.outHeight(), g.outWidth());
            return new Plan(x, w, y, DnnConvolution.plan(dnn, pool, x, w, y, g.pad(), g.stride(), g.groups()));
        } catch (RuntimeException e) {
            if (y != null) y.close();
            if (w != null) w.close();
            if (x != null) x.close();
            throw e;
        }
    }

    @Override
    public void close() {
        for (Plan p : plans.values()) p.close();
        plans.clear();
        if (dnn != null) dnn.close();
        dnn = null;
    }
}
