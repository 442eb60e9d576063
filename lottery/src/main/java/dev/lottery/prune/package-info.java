/**
 * Pruning: {@link dev.lottery.prune.PruningStrategy} (layer-wise or global magnitude pruning, exact survivor counts),
 * a network's state to restore (its initial weights or a rewind point, {@link dev.lottery.prune.NetworkState}), masks
 * as {@code .npy} files and the random rearrangement of a mask.
 */
package dev.lottery.prune;
