/**
 * The paper's XOR appendix: small networks trained on the four XOR points, pruned by several heuristics, with the
 * tables of Figures 9 and 10 and a sweep over the training choices the paper leaves open.
 */
package dev.lottery.xor;
