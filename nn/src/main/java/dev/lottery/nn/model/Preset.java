package dev.lottery.nn.model;

import dev.lottery.nn.data.DatasetName;
import dev.lottery.nn.data.augment.BatchAugmentation;
import dev.lottery.nn.train.OptimizerSpec;
import dev.lottery.nn.train.TrainingSpec;

/**
 * A named model with the training settings the paper used for it (Figure 1); every field can be overridden
 * from the command line. {@link #model()} is built for the preset's own data set; {@link #modelFor} rebuilds
 * the same architecture for another data set's input shape.
 *
 * @param name           the name users pick it by, e.g. {@code lenet-300-100}
 * @param description    one line for listings: the architecture and the paper's settings
 * @param model          the architecture, built for {@code dataset}'s input shape
 * @param dataset        the data set the paper trains it on
 * @param optimizer      the paper's learning rate (schedule), momentum and weight decay
 * @param batchSize      examples per training step
 * @param epochs         the paper's training length in passes over the training set
 * @param validationSize training examples held out for validation, 0 for none
 * @param augmentation   what is done to each training batch ({@link BatchAugmentation#NONE} for all but resnet20)
 */
public record Preset(String name, String description, ModelSpec model, DatasetName dataset, OptimizerSpec optimizer,
                     int batchSize, int epochs, int validationSize, BatchAugmentation augmentation) {
    /**
     * A preset without data augmentation.
     *
     * @param name           the name users pick it by
     * @param description    one line for listings
     * @param model          the architecture, built for {@code dataset}'s input shape
     * @param dataset        the data set the paper trains it on
     * @param optimizer      the paper's learning rate (schedule), momentum and weight decay
     * @param batchSize      examples per training step
     * @param epochs         the paper's training length in passes over the training set
     * @param validationSize training examples held out for validation, 0 for none
     */
    public Preset(String name, String description, ModelSpec model, DatasetName dataset, OptimizerSpec optimizer,
                  int batchSize, int epochs, int validationSize) {
        this(name, description, model, dataset, optimizer, batchSize, epochs, validationSize, BatchAugmentation.NONE);
    }

    /**
     * A training builder with this preset's optimizer, batch size, validation holdout and augmentation; the caller sets
     * the iterations (the paper's length is {@code TrainingSpec.iterationsFor(epochs(), trainExamples, batchSize())}).
     *
     * @return a new builder; evaluation is every 100 iterations until the caller sets it
     */
    public TrainingSpec.Builder training() {
        return TrainingSpec.builder(optimizer).batchSize(batchSize).validationSize(validationSize).augmentation(augmentation);
    }

    /**
     * One example's shape in a data set as stored: 1x28x28 for (Fashion-)MNIST, 3x32x32 for CIFAR-10.
     *
     * @param data the data set
     * @return its examples' shape as an image (flatten it for fully-connected models)
     */
    public static ImageShape inputShape(DatasetName data) {
        return switch (data) {
            case MNIST, FASHION_MNIST -> new ImageShape(1, 28, 28);
            case CIFAR10 -> new ImageShape(3, 32, 32);
        };
    }

    /**
     * The architecture over {@code data}'s examples: fully-connected models take them flat, convolutional ones as
     * images (e.g. conv2 on Fashion-MNIST sees 1x28x28).
     *
     * @param data the data set to train on
     * @return a new model with the same name, layers and initializers; equal to {@link #model()} for the preset's own
     *         data set
     * @throws IllegalArgumentException if the layers cannot take that data set's images
     */
    public ModelSpec modelFor(DatasetName data) {
        ImageShape shape = inputShape(data);
        return model.input().isFlat() ? model.withInput(shape.features()) : model.withInput(shape);
    }
}
