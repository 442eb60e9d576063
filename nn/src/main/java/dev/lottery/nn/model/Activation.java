package dev.lottery.nn.model;

/** The non-linearity after a layer. The output layer has none: the loss applies the softmax. */
public enum Activation {
    /** The identity. */
    NONE,
    /** {@code max(0, x)}. */
    RELU
}
