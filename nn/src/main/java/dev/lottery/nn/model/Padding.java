package dev.lottery.nn.model;

/**
 * Convolution padding. {@code SAME} pads {@code (kernel - 1) / 2} zeros on every side (odd kernels only), so a
 * stride-1 convolution keeps the image size and a stride-s one gives {@code ceil(size / s)} for even sizes;
 * symmetric padding is what cuDNN's descriptors express. {@code VALID} pads nothing.
 */
public enum Padding {
    /** Zero padding that keeps the size at stride 1 (odd kernels). */
    SAME,
    /** No padding. */
    VALID;

    /**
     * Zeros added on each side for a {@code kernel}-wide window.
     *
     * @param kernel the window's width in pixels; must be odd for {@code SAME}
     * @return {@code (kernel - 1) / 2} for {@code SAME}, 0 for {@code VALID}
     * @throws IllegalArgumentException if the padding is {@code SAME} and {@code kernel} is even
     */
    public int amount(int kernel) {
        if (this == VALID) return 0;
        if (kernel % 2 == 0) throw new IllegalArgumentException("SAME padding needs an odd kernel, got " + kernel);
        return (kernel - 1) / 2;
    }
}
