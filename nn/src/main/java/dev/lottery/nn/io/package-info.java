/**
 * Files: NumPy's {@code .npy} format ({@link dev.lottery.nn.io.Npy}), which NumPy reads without this project. Files
 * are written atomically: under a temporary name, then renamed into place, so a reader never sees half of one.
 */
package dev.lottery.nn.io;
