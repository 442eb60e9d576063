package dev.lottery.nn.model;

import dev.lottery.nn.init.Initializer;
import dev.lottery.nn.tensor.Tensor;

/**
 * One trainable tensor with its gradient and, for prunable weights, its mask (1 = kept, 0 = pruned). All three live
 * in the backend's memory. A {@link Population} holds each parameter stacked {@code [members, ...]}; a
 * {@link Network} sees its member's {@link #slice(int) slice}, shaped as the parameter of a network alone.
 *
 * @param name     stable name used for random streams and snapshot files, e.g. {@code fc1.weight}
 * @param layer    the name of the layer that owns it, e.g. {@code fc1}
 * @param kind     the layer's kind, which picks the pruning rate
 * @param prunable whether the pruner may mask it: true for fully-connected and convolutional weights, false for
 *                 biases and batch-norm scales and shifts
 * @param value    the values, e.g. {@code [units, inputs]} for a dense weight or {@code [filters, channels, k, k]}
 *                 for a convolution's (with a leading {@code members} dimension when stacked)
 * @param grad     the gradient of the loss, shaped as {@code value}; written by the backward pass
 * @param mask     1 for kept and 0 for pruned weights, shaped as {@code value}; null exactly when not prunable
 * @param fanIn    inputs per output unit (for initializers)
 * @param fanOut   outputs per input unit
 * @param init     how the values are drawn at initialization and reinitialization
 */
public record Parameter(String name, String layer, LayerKind kind, boolean prunable, Tensor value, Tensor grad, Tensor mask,
                        int fanIn, int fanOut, Initializer init) {
    /**
     * The number of values.
     *
     * @return the size of {@code value}: all members' values for a stacked parameter, one network's for a slice
     */
    public long size() {
        return value.size();
    }

    /**
     * Member {@code member}'s part of a stacked parameter: the same parameter, over slices of its tensors.
     *
     * @param member the member, 0 to {@code members - 1}
     * @return a parameter whose tensors are views of this one's (closing them frees nothing), with the same name
     * @throws IndexOutOfBoundsException if {@code member} is out of range
     */
    public Parameter slice(int member) {
        return new Parameter(name, layer, kind, prunable, value.slice(member), grad.slice(member), mask == null ? null : mask.slice(member),
                fanIn, fanOut, init);
    }
}
