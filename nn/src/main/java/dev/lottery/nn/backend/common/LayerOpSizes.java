package dev.lottery.nn.backend.common;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.ChannelGeometry;
import dev.lottery.nn.backend.ConvGeometry;
import dev.lottery.nn.backend.PoolGeometry;
import dev.lottery.nn.tensor.Tensor;

/**
 * The tensor sizes the convolutional-network ops of {@link Backend} require, checked in one place for every backend
 * (as {@link GemmDims} does for products): the ops read their geometry from a value, so a tensor of the wrong size
 * would otherwise be read past its end. Each method throws {@link IllegalArgumentException} naming the tensor.
 */
public final class LayerOpSizes {
    private LayerOpSizes() {}

    private static void requireSize(Tensor t, long size, String what) {
        if (t.size() != size) throw new IllegalArgumentException(what + ": " + t + " should hold " + size + " values");
    }

    /** Checks the tensors of a convolution forward pass. */
    public static void conv2d(Tensor x, Tensor w, Tensor bias, Tensor y, ConvGeometry g) {
        requireSize(x, g.inputSize(), "conv2d input");
        requireSize(w, g.filterSize(), "conv2d filters");
        requireSize(y, g.outputSize(), "conv2d output");
        if (bias != null) requireSize(bias, g.filters(), "conv2d bias");
    }

    /** Checks the tensors of a convolution's input gradient. */
    public static void conv2dBackwardData(Tensor dy, Tensor w, Tensor dx, ConvGeometry g) {
        requireSize(dy, g.outputSize(), "conv2d output gradient");
        requireSize(w, g.filterSize(), "conv2d filters");
        requireSize(dx, g.inputSize(), "conv2d input gradient");
    }

    /** Checks the tensors of a convolution's filter (and bias) gradient. */
    public static void conv2dBackwardFilter(Tensor x, Tensor dy, Tensor dw, Tensor dbias, ConvGeometry g) {
        requireSize(x, g.inputSize(), "conv2d input");
        requireSize(dy, g.outputSize(), "conv2d output gradient");
        requireSize(dw, g.filterSize(), "conv2d filter gradient");
        if (dbias != null) requireSize(dbias, g.filters(), "conv2d bias gradient");
    }

    /** Checks the tensors of max pooling. */
    public static void maxPool(Tensor x, Tensor y, PoolGeometry g) {
        requireSize(x, g.inputSize(), "max-pool input");
        requireSize(y, g.outputSize(), "max-pool output");
    }

    /** Checks the tensors of max pooling's gradient. */
    public static void maxPoolBackward(Tensor x, Tensor y, Tensor dy, Tensor dx, PoolGeometry g) {
        maxPool(x, y, g);
        requireSize(dy, g.outputSize(), "max-pool output gradient");
        requireSize(dx, g.inputSize(), "max-pool input gradient");
    }

    /** Checks the tensors of batch normalization in training. */
    public static void batchNormTraining(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                         Tensor savedMean, Tensor savedInvStd, Tensor y, ChannelGeometry g) {
        requireSize(x, g.size(), "batch-norm input");
        requireSize(y, g.size(), "batch-norm output");
        for (Tensor t : new Tensor[] {gamma, beta, runningMean, runningVar, savedMean, savedInvStd}) requireSize(t, g.channels(), "batch-norm statistics");
    }

    /** Checks the tensors of batch normalization in evaluation. */
    public static void batchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, Tensor y,
                                          ChannelGeometry g) {
        requireSize(x, g.size(), "batch-norm input");
        requireSize(y, g.size(), "batch-norm output");
        for (Tensor t : new Tensor[] {gamma, beta, runningMean, runningVar}) requireSize(t, g.channels(), "batch-norm statistics");
    }

    /** Checks the tensors of batch normalization's gradient. */
    public static void batchNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor savedMean, Tensor savedInvStd, Tensor dx,
                                         Tensor dgamma, Tensor dbeta, ChannelGeometry g) {
        for (Tensor t : new Tensor[] {x, dy, dx}) requireSize(t, g.size(), "batch-norm activations");
        for (Tensor t : new Tensor[] {gamma, savedMean, savedInvStd, dgamma, dbeta}) requireSize(t, g.channels(), "batch-norm statistics");
    }

    /** Checks the tensors of global average pooling. */
    public static void globalAvgPool(Tensor x, Tensor y, ChannelGeometry g) {
        requireSize(x, g.size(), "global-average-pool input");
        requireSize(y, (long) g.batch() * g.channels(), "global-average-pool output");
    }

    /** Checks the tensors of global average pooling's gradient. */
    public static void globalAvgPoolBackward(Tensor dy, Tensor dx, ChannelGeometry g) {
        requireSize(dy, (long) g.batch() * g.channels(), "global-average-pool output gradient");
        requireSize(dx, g.size(), "global-average-pool input gradient");
    }
}
