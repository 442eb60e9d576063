package dev.lottery.nn.model;

import dev.lottery.nn.init.Initializer;
import dev.lottery.nn.tensor.Tensor;

/**
 * One trainable tensor with its gradient and, for prunable weights, its mask (1 = kept, 0 = pruned). All three live
 * in the backend's memory. A {@link Population} holds each parameter stacked {@code [members, ...]}; a
 * {@link Network} sees its member's {@link #slice(int) slice}, shaped as the parameter of a network alone.
 *
 * @param name   stable name used for random streams and snapshot files, e.g. {@code fc1.weight}
 * @param fanIn  inputs per output unit (for initializers)
 * @param fanOut outputs per input unit
 */
public record Parameter(String name, String layer, LayerKind kind, boolean prunable, Tensor value, Tensor grad, Tensor mask,
                        int fanIn, int fanOut, Initializer init) {
    /** The number of values. */
    public long size() {
        return value.size();
    }

    /** Member {@code member}'s part of a stacked parameter: the same parameter, over slices of its tensors. */
    public Parameter slice(int member) {
        return new Parameter(name, layer, kind, prunable, value.slice(member), grad.slice(member), mask == null ? null : mask.slice(member),
                fanIn, fanOut, init);
    }
}
