/**
 * Lottery-ticket experiments (Frankle and Carbin): train, prune the smallest weights, reset the survivors, train again.
 * An {@link dev.lottery.experiment.ExperimentSpec} holds every setting, each declared once in
 * {@link dev.lottery.experiment.ExperimentSettings}; its canonical text is hashed into the name of its results
 * directory, so other settings never reuse old results. {@link dev.lottery.experiment.ExperimentPresets} holds the
 * paper's experiments. {@link dev.lottery.experiment.Experiment} runs one (or resumes it) on a backend, on a built-in
 * data set or on the caller's data, with an {@link dev.lottery.experiment.Engine}: in this process
 * ({@link dev.lottery.experiment.LocalEngine}) or as Slurm job arrays ({@link dev.lottery.experiment.SlurmEngine}).
 * {@link dev.lottery.experiment.ResultsStore} writes each unit's metrics and weights atomically, {@code DONE} last.
 *
 * <p>Threads: specifications and experiments are immutable; a run uses its backend from the calling thread and calls
 * its {@link dev.lottery.experiment.ExperimentListener} there. One results directory is written by one run at a time.
 */
package dev.lottery.experiment;
