/**
 * The paper's XOR appendix: small networks trained on the four XOR points, pruned by several heuristics, with the
 * tables of Figures 9 and 10 and a sweep over the training choices the paper leaves open. The trainer runs trials
 * in the lanes of the Vector API, so this package needs {@code java --add-modules jdk.incubator.vector}.
 */
package dev.lottery.xor;
