/**
 * Training: {@link dev.lottery.nn.train.TrainingSpec} (optimizer, batch size, length, evaluation interval, validation
 * holdout, augmentation; built with {@link dev.lottery.nn.train.TrainingSpec#builder}),
 * {@link dev.lottery.nn.train.ResidentData} (a data split made resident in a backend's memory once),
 * {@link dev.lottery.nn.train.Trainer} (SGD with momentum and weight decay, masked weights kept exactly zero,
 * evaluations and the paper's convergence points in a {@link dev.lottery.nn.train.TrainingResult}) and
 * {@link dev.lottery.nn.train.Checkpointer} (resumable runs, bitwise the same as uninterrupted ones).
 *
 * <p>A training run uses its network, data and backend from the calling thread; listeners are called on it.
 */
package dev.lottery.nn.train;
