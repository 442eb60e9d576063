/**
 * Counter-based random numbers: Philox4x32-10 ({@link dev.lottery.nn.rng.Philox4x32}) and streams keyed by
 * (seed, tensor name, purpose) ({@link dev.lottery.nn.rng.KeyedRandom}), computed from each element's index, so draws
 * never depend on call order and a GPU kernel draws the very same numbers. Stateless and safe for any thread.
 */
package dev.lottery.nn.rng;
