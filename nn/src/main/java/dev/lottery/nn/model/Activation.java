package dev.lottery.nn.model;

/** The non-linearity after a layer. The output layer has none: the loss applies the softmax. */
public enum Activation {
    NONE,
    RELU
}
