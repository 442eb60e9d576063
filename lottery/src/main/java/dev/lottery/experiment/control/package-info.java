/**
 * What a pruned unit starts from ({@link dev.lottery.experiment.control.Control}): the winning ticket (the surviving
 * weights reset to their initial values) and the paper's controls (random reinitialization, random rearrangement of the
 * mask, and the signs of the initial weights only), registered by name in
 * {@link dev.lottery.experiment.control.Controls}.
 */
package dev.lottery.experiment.control;
