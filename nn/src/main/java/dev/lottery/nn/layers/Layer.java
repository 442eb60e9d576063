package dev.lottery.nn.layers;

import dev.lottery.nn.model.Mode;
import dev.lottery.nn.model.Parameter;
import dev.lottery.nn.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * One built layer of a {@code Population}: its parameters (stacked over the members) and the backend calls of its
 * forward and backward passes. Output and gradient buffers are allocated once per batch size and owned by the
 * layer; a layer remembers the input of its last forward pass for the backward pass.
 *
 * <p>Activations hold the members side by side along the channels ({@code [batch, members*channels, ...]}), except
 * for a shared input: the population's mini-batch, which every member reads. A layer built for a shared input
 * reads {@code [batch, channels, ...]}, and also each member's own input in the members' layout (members trained on
 * their own mini-batches); layers without parameters pass a shared input on as a shared output.
 */
public sealed interface Layer extends AutoCloseable
        permits DenseLayer, Conv2dLayer, MaxPoolLayer, FlattenLayer, DropoutLayer, BatchNormLayer, ResidualBlockLayer, GlobalAvgPoolLayer {
    /** This layer's parameters in a fixed order (weights before biases). */
    List<Parameter> parameters();

    /** Runs the layer on {@code x} (one batch of {@code batch} examples); the result is owned by the layer. */
    Tensor forward(Tensor x, int batch, Mode mode);

    /**
     * Backpropagates {@code dy} (the gradient of the last forward's output, which this call may overwrite), fills
     * the parameters' gradients, and returns the gradient of the input (owned by the layer), or null when
     * {@code inputGradient} is false (the first layer has nobody to pass it to).
     */
    Tensor backward(Tensor dy, boolean inputGradient);

    /** Resets member {@code member}'s non-parameter state (batch-norm running statistics) to its initial values. */
    default void resetState(int member) {}

    /**
     * Member {@code member}'s non-parameter state (batch-norm running mean and variance) by name, in layer order: what
     * a saved network keeps beside its parameters. The tensors are the member's slices of the layer's own.
     */
    default Map<String, Tensor> state(int member) {
        return Map.of();
    }

    @Override
    void close();
}
