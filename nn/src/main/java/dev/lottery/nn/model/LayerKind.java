package dev.lottery.nn.model;

/** What a layer is, for pruning rates: the paper prunes fully-connected, convolutional and output layers at different rates. */
public enum LayerKind {
    FULLY_CONNECTED("fc"),
    CONVOLUTIONAL("conv"),
    OUTPUT("output");

    private final String shortName;

    LayerKind(String shortName) {
        this.shortName = shortName;
    }

    public String shortName() {
        return shortName;
    }
}
