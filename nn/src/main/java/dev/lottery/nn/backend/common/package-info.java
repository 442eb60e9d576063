/**
 * What the backends share: the argument and size checks of products, layer ops, global pruning and augmentation, so
 * every backend refuses the same requests with the same messages. Internal: not exported.
 */
package dev.lottery.nn.backend.common;
