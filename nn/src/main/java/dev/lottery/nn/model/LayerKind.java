package dev.lottery.nn.model;

/** What a layer is, for pruning rates: the paper prunes fully-connected, convolutional and output layers at different rates. */
public enum LayerKind {
    /** A hidden fully-connected layer. */
    FULLY_CONNECTED("fc"),
    /** A convolutional layer. */
    CONVOLUTIONAL("conv"),
    /** The last layer, which gives the class scores. */
    OUTPUT("output");

    private final String shortName;

    LayerKind(String shortName) {
        this.shortName = shortName;
    }

    /**
     * The name in settings and tables.
     *
     * @return {@code fc}, {@code conv} or {@code output}
     */
    public String shortName() {
        return shortName;
    }
}
