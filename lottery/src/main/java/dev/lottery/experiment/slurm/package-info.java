/**
 * Running an experiment's units as Slurm job arrays: job scripts, submission in waves that follow the units'
 * dependencies, how compute nodes start the command line ({@link dev.lottery.experiment.slurm.JavaLauncher}) and
 * watching a sweep until it ends. Used through {@link dev.lottery.experiment.SlurmEngine}.
 */
package dev.lottery.experiment.slurm;
