package dev.lottery.gpu;

import dev.lottery.bindings.cudnn_h;
import dev.lottery.bindings.cudnnConvolutionBwdDataAlgoPerfStruct;
import dev.lottery.bindings.cudnnConvolutionBwdFilterAlgoPerfStruct;
import dev.lottery.bindings.cudnnConvolutionFwdAlgoPerfStruct;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.lottery.gpu.CudaException.checkCudnn;

/**
 * One 2-D convolution (cross-correlation, as in deep learning) planned for fixed shapes: the descriptor, the
 * algorithms chosen by cuDNN's heuristics ({@code Get*Algorithm_v7}: cheap, no trial runs, deterministic
 * choice; algorithms whose status is not success are skipped) and the largest workspace the three need,
 * allocated once from a {@link DevicePool}.
 */
public final class DnnConvolution implements AutoCloseable {
    private static final int CANDIDATES = 8;

    private final Dnn dnn;
    private final MemorySegment conv;
    private final DnnTensor x;
    private final DnnFilter w;
    private final DnnTensor y;
    private final int forwardAlgo;
    private final int backwardDataAlgo;
    private final int backwardFilterAlgo;
    private final DeviceBuffer workspace;
    private boolean closed;

    private DnnConvolution(Dnn dnn, MemorySegment conv, DnnTensor x, DnnFilter w, DnnTensor y, int fwd, int bwdData, int bwdFilter, DeviceBuffer workspace) {
        this.dnn = dnn;
        this.conv = conv;
        this.x = x;
        this.w = w;
        this.y = y;
        this.forwardAlgo = fwd;
        this.backwardDataAlgo = bwdData;
        this.backwardFilterAlgo = bwdFilter;
        this.workspace = workspace;
    }

    /**
     * Output dims (n, k, p, q) of convolving {@code x} with {@code w} at this padding/stride in {@code groups} groups
     * (w holds each filter's channels of its group only), without planning anything.
     *
     * @param x the input's shape {@code [n, c, h, w]}
     * @param w the filters' shape {@code [k, c / groups, r, s]}
     * @param pad the zero padding on each side, in both directions, at least 0
     * @param stride the step in both directions, at least 1
     * @param groups the channel groups, at least 1, dividing both {@code c} and {@code k}
     * @return a new array {@code [n, k, p, q]}, with {@code p = (h + 2·pad - r) / stride + 1} and likewise q
     * @throws CudaException if cuDNN rejects the combination
     */
    public static int[] outputDims(DnnTensor x, DnnFilter w, int pad, int stride, int groups) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment conv = createDescriptor(arena, pad, stride, groups);
            try {
                MemorySegment dims = arena.allocate(ValueLayout.JAVA_INT, 4);
                checkCudnn(cudnn_h.cudnnGetConvolution2dForwardOutputDim(conv, x.handle(), w.handle(), dims, dims.asSlice(4), dims.asSlice(8),
                        dims.asSlice(12)), "cudnnGetConvolution2dForwardOutputDim");
                return dims.toArray(ValueLayout.JAVA_INT);
            } finally {
                cudnn_h.cudnnDestroyConvolutionDescriptor(conv);
            }
        }
    }

    /**
     * Plans {@code y = conv(x, w)} with square padding and stride in {@code groups} groups; y's descriptor must have
     * {@link #outputDims}. The plan keeps the three descriptors without owning them: they must stay open while it is
     * used, and are closed by their owner.
     *
     * @param dnn the handle the convolution runs with, on its stream
     * @param pool where the workspace comes from
     * @param x the input's shape
     * @param w the filters' shape
     * @param y the output's shape, as {@link #outputDims} gives it
     * @param pad the zero padding on each side, in both directions, at least 0
     * @param stride the step in both directions, at least 1
     * @param groups the channel groups, at least 1
     * @return the plan, owned by the caller; closing it returns its workspace to the pool
     * @throws CudaException if cuDNN rejects the shapes or offers no usable algorithm for one of the three passes
     */
    public static DnnConvolution plan(Dnn dnn, DevicePool pool, DnnTensor x, DnnFilter w, DnnTensor y, int pad, int stride, int groups) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment conv = createDescriptor(arena, pad, stride, groups);
            try {
                MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
                MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
                long wsBytes = 0;

                MemorySegment fwd = arena.allocate(cudnnConvolutionFwdAlgoPerfStruct.layout(), CANDIDATES);
                checkCudnn(cudnn_h.cudnnGetConvolutionForwardAlgorithm_v7(dnn.handle(), x.handle(), w.handle(), conv, y.handle(), CANDIDATES, count, fwd),
                        "cudnnGetConvolutionForwardAlgorithm_v7");
                int fwdAlgo = pick(fwd, count.get(ValueLayout.JAVA_INT, 0), cudnnConvolutionFwdAlgoPerfStruct.sizeof(), "forward");
                checkCudnn(cudnn_h.cudnnGetConvolutionForwardWorkspaceSize(dnn.handle(), x.handle(), w.handle(), conv, y.handle(), fwdAlgo, size),
                        "cudnnGetConvolutionForwardWorkspaceSize");
                wsBytes = Math.max(wsBytes, size.get(ValueLayout.JAVA_LONG, 0));

                MemorySegment bd = arena.allocate(cudnnConvolutionBwdDataAlgoPerfStruct.layout(), CANDIDATES);
                checkCudnn(cudnn_h.cudnnGetConvolutionBackwardDataAlgorithm_v7(dnn.handle(), w.handle(), y.handle(), conv, x.handle(), CANDIDATES, count, bd),
                        "cudnnGetConvolutionBackwardDataAlgorithm_v7");
                int bdAlgo = pick(bd, count.get(ValueLayout.JAVA_INT, 0), cudnnConvolutionBwdDataAlgoPerfStruct.sizeof(), "backward data");
                checkCudnn(cudnn_h.cudnnGetConvolutionBackwardDataWorkspaceSize(dnn.handle(), w.handle(), y.handle(), conv, x.handle(), bdAlgo, size),
                        "cudnnGetConvolutionBackwardDataWorkspaceSize");
                wsBytes = Math.max(wsBytes, size.get(ValueLayout.JAVA_LONG, 0));

                MemorySegment bf = arena.allocate(cudnnConvolutionBwdFilterAlgoPerfStruct.layout(), CANDIDATES);
                checkCudnn(cudnn_h.cudnnGetConvolutionBackwardFilterAlgorithm_v7(dnn.handle(), x.handle(), y.handle(), conv, w.handle(), CANDIDATES, count, bf),
                        "cudnnGetConvolutionBackwardFilterAlgorithm_v7");
                int bfAlgo = pick(bf, count.get(ValueLayout.JAVA_INT, 0), cudnnConvolutionBwdFilterAlgoPerfStruct.sizeof(), "backward filter");
                checkCudnn(cudnn_h.cudnnGetConvolutionBackwardFilterWorkspaceSize(dnn.handle(), x.handle(), y.handle(), conv, w.handle(), bfAlgo, size),
                        "cudnnGetConvolutionBackwardFilterWorkspaceSize");
                wsBytes = Math.max(wsBytes, size.get(ValueLayout.JAVA_LONG, 0));

                DeviceBuffer ws = wsBytes == 0 ? null : pool.allocate(wsBytes);
                return new DnnConvolution(dnn, conv, x, w, y, fwdAlgo, bdAlgo, bfAlgo, ws);
            } catch (RuntimeException e) {
                cudnn_h.cudnnDestroyConvolutionDescriptor(conv);
                throw e;
            }
        }
    }

    private static MemorySegment createDescriptor(Arena arena, int pad, int stride, int groups) {
        MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
        checkCudnn(cudnn_h.cudnnCreateConvolutionDescriptor(out), "cudnnCreateConvolutionDescriptor");
        MemorySegment conv = out.get(ValueLayout.ADDRESS, 0);
        try {
            checkCudnn(cudnn_h.cudnnSetConvolution2dDescriptor(conv, pad, pad, stride, stride, 1, 1, cudnn_h.CUDNN_CROSS_CORRELATION(),
                    cudnn_h.CUDNN_DATA_FLOAT()), "cudnnSetConvolution2dDescriptor");
            // FMA math only: no TF32 tensor cores, so results stay comparable with the CPU path.
            checkCudnn(cudnn_h.cudnnSetConvolutionMathType(conv, cudnn_h.CUDNN_FMA_MATH()), "cudnnSetConvolutionMathType");
            if (groups != 1) checkCudnn(cudnn_h.cudnnSetConvolutionGroupCount(conv, groups), "cudnnSetConvolutionGroupCount");
        } catch (RuntimeException e) {
            cudnn_h.cudnnDestroyConvolutionDescriptor(conv);
            throw e;
        }
        return conv;
    }

    /** The first candidate whose status is success (all three perf structs share the algo/status prefix). */
    private static int pick(MemorySegment perfs, int returned, long stride, String what) {
        for (int i = 0; i < returned; i++) {
            MemorySegment p = perfs.asSlice(i * stride, stride);
            if (cudnnConvolutionFwdAlgoPerfStruct.status(p) == cudnn_h.CUDNN_STATUS_SUCCESS()) return cudnnConvolutionFwdAlgoPerfStruct.algo(p);
        }
        throw new CudaException(CudaException.Api.CUDNN, "cudnnGet*Algorithm_v7", cudnn_h.CUDNN_STATUS_NOT_SUPPORTED(), "CUDNN_STATUS_NOT_SUPPORTED",
                "no usable " + what + " algorithm among " + returned + " candidates", null);
    }

    /**
     * The forward algorithm chosen (cuDNN's enumeration).
     *
     * @return a {@code cudnnConvolutionFwdAlgo_t} value, e.g. {@code CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM} (0)
     */
    public int forwardAlgorithm() { return forwardAlgo; }

    /**
     * The backward-data algorithm chosen.
     *
     * @return a {@code cudnnConvolutionBwdDataAlgo_t} value
     */
    public int backwardDataAlgorithm() { return backwardDataAlgo; }

    /**
     * The backward-filter algorithm chosen.
     *
     * @return a {@code cudnnConvolutionBwdFilterAlgo_t} value
     */
    public int backwardFilterAlgorithm() { return backwardFilterAlgo; }

    /**
     * The workspace the algorithms need, in bytes.
     *
     * @return the largest of the three passes' needs, held for the plan's life; 0 when none needs one
     */
    public long workspaceBytes() { return workspace == null ? 0 : workspace.byteSize(); }

    /**
     * {@code y = conv(x, w)}, queued on the handle's stream.
     *
     * @param xData the input, with the shape planned for x
     * @param wData the filters, with the shape planned for w
     * @param yData the output, with the shape planned for y, overwritten
     */
    public void forward(DeviceBuffer xData, DeviceBuffer wData, DeviceBuffer yData) {
        try (Arena arena = Arena.ofConfined()) {
            checkCudnn(cudnn_h.cudnnConvolutionForward(dnn.handle(), Dnn.one(arena), x.handle(), Dnn.ptr(xData), w.handle(), Dnn.ptr(wData), conv(),
                    forwardAlgo, Dnn.ptr(workspace), workspaceBytes(), Dnn.zero(arena), y.handle(), Dnn.ptr(yData)), "cudnnConvolutionForward");
        }
    }

    /**
     * {@code dx = convᵀ(dy, w)}, queued on the handle's stream.
     *
     * @param wData the filters the forward pass used
     * @param dy the loss's gradient with respect to y
     * @param dx the gradient with respect to x, overwritten (not accumulated)
     */
    public void backwardData(DeviceBuffer wData, DeviceBuffer dy, DeviceBuffer dx) {
        try (Arena arena = Arena.ofConfined()) {
            checkCudnn(cudnn_h.cudnnConvolutionBackwardData(dnn.handle(), Dnn.one(arena), w.handle(), Dnn.ptr(wData), y.handle(), Dnn.ptr(dy), conv(),
                    backwardDataAlgo, Dnn.ptr(workspace), workspaceBytes(), Dnn.zero(arena), x.handle(), Dnn.ptr(dx)), "cudnnConvolutionBackwardData");
        }
    }

    /**
     * {@code dw = beta·dw + corr(x, dy)}; beta 1 accumulates. Queued on the handle's stream.
     *
     * @param xData the forward's input
     * @param dy the loss's gradient with respect to y
     * @param beta 0 to overwrite dw (its contents are then not read), 1 to add to it
     * @param dw the gradient with respect to the filters, with the shape planned for w
     */
    public void backwardFilter(DeviceBuffer xData, DeviceBuffer dy, float beta, DeviceBuffer dw) {
        try (Arena arena = Arena.ofConfined()) {
            checkCudnn(cudnn_h.cudnnConvolutionBackwardFilter(dnn.handle(), Dnn.one(arena), x.handle(), Dnn.ptr(xData), y.handle(), Dnn.ptr(dy), conv(),
                    backwardFilterAlgo, Dnn.ptr(workspace), workspaceBytes(), arena.allocateFrom(ValueLayout.JAVA_FLOAT, beta), w.handle(), Dnn.ptr(dw)),
                    "cudnnConvolutionBackwardFilter");
        }
    }

    private MemorySegment conv() {
        if (closed) throw new IllegalStateException("convolution closed");
        return conv;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (workspace != null) workspace.close();
        checkCudnn(cudnn_h.cudnnDestroyConvolutionDescriptor(conv), "cudnnDestroyConvolutionDescriptor");
    }
}
