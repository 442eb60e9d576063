/**
 * Parameter initializers (zeros, ones, normal, truncated normal, Xavier normal and uniform), drawn from the counter-based
 * random streams of {@code dev.lottery.nn.rng}, so the same seed gives the same weights on every backend.
 */
package dev.lottery.nn.init;
