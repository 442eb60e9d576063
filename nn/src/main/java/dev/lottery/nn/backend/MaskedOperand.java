package dev.lottery.nn.backend;

/** Which operand of a {@link DenseOps#maskedGemm masked product} its {@link PreparedMask} describes. */
public enum MaskedOperand {
    /** The members' B matrices (weights) are zero wherever the mask is 0: terms with them may be skipped. */
    B,
    /**
     * Only C's entries where the mask is 1 are wanted (a weight's gradient, which the masked SGD step reads only
     * there): the others may be left as they were or overwritten.
     */
    C
}
