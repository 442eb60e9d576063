package dev.lottery.nn.model;

/** One layer of a model, as data. A closed family: convolutional layers join it in a later version. */
public sealed interface LayerSpec permits LayerSpec.Dense {
    String name();

    LayerKind kind();

    /** A fully-connected layer {@code y = x W^T + b} with weights stored {@code [units, inputs]}. */
    record Dense(String name, int units, Activation activation, LayerKind kind) implements LayerSpec {
        public Dense {
            if (units <= 0) throw new IllegalArgumentException(name + ": units must be positive");
            if (kind == LayerKind.CONVOLUTIONAL) throw new IllegalArgumentException(name + ": a dense layer is not convolutional");
        }

        public String canonical() {
            return "dense(" + units + (activation == Activation.RELU ? ",relu" : "") + ")";
        }
    }
}
