/**
 * Models as data and the networks built from them. A {@link dev.lottery.nn.model.ModelSpec} is an input shape, a list
 * of {@link dev.lottery.nn.model.LayerSpec}s and initializers, with a canonical text that names it completely;
 * {@link dev.lottery.nn.model.Presets} holds the paper's models (lenet-300-100, conv2/4/6, resnet20) with their
 * training settings. {@link dev.lottery.nn.model.Network#create} builds one network on a backend;
 * {@link dev.lottery.nn.model.Population} builds several side by side, trained in lockstep. A network predicts
 * ({@link dev.lottery.nn.model.Network#predict}), saves itself as {@code .npy} files and loads back
 * ({@link dev.lottery.nn.model.Network#save}, {@link dev.lottery.nn.model.Network#load}).
 *
 * <p>Networks and populations are used by one thread at a time and closed by their owner.
 */
package dev.lottery.nn.model;
