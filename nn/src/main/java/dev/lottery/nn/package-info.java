/**
 * Neural-network training on the JVM: the root package holds {@link dev.lottery.nn.UserError}, the exception for bad
 * input that a command line prints as one line. The API lives in the sub-packages:
 * {@code model} (models as data, networks and populations), {@code train} (optimizer, trainer, resident data),
 * {@code backend} (the CPU and CUDA backends behind one interface), {@code data} (MNIST, Fashion-MNIST, CIFAR-10 and
 * in-memory data sets), {@code tensor}, {@code init}, {@code rng} and {@code io} ({@code .npy} files).
 *
 * <h2>Threads</h2>
 * A {@link dev.lottery.nn.backend.Backend} and everything made on it (tensors, networks, populations, resident data)
 * is used by one thread at a time; none of them locks. Each CPU backend owns a crew of worker threads, sized by
 * {@link dev.lottery.nn.backend.BackendOptions#cpuThreads()}, that run inside its calls and stop when it is closed;
 * several CPU backends, each used by its own thread, run side by side with their own thread counts. The CUDA backend
 * belongs to the thread that opened it.
 * Specifications and settings ({@code ModelSpec}, {@code TrainingSpec}, {@code Preset}, {@code OptimizerSpec}, ...)
 * are immutable records that any thread may share.
 */
package dev.lottery.nn;
