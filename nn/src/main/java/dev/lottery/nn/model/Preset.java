package dev.lottery.nn.model;

import dev.lottery.nn.data.DatasetName;
import dev.lottery.nn.train.OptimizerSpec;

/**
 * A named model with the training settings the paper used for it (Figure 1); every field can be overridden
 * from the command line.
 */
public record Preset(String name, String description, ModelSpec model, DatasetName dataset, OptimizerSpec optimizer,
                     int batchSize, int epochs, int validationSize) {}
