/**
 * Files: NumPy's {@code .npy} format ({@link dev.lottery.nn.io.Npy}), which NumPy reads without this project, and
 * atomic writes ({@link dev.lottery.nn.io.AtomicFiles}): a file is written under a temporary name and renamed into
 * place, so a reader never sees half of it.
 */
package dev.lottery.nn.io;
