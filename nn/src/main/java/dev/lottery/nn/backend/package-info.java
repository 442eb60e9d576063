/**
 * The backend SPI and how one is chosen. A {@link dev.lottery.nn.backend.Backend} owns memory (tensors) and computes
 * on it in four groups of operations: {@link dev.lottery.nn.backend.DenseOps}, {@link dev.lottery.nn.backend.ConvolutionOps},
 * {@link dev.lottery.nn.backend.PruningOps} and {@link dev.lottery.nn.backend.DataOps}. There are two: the CPU backend
 * (Vector API, always available) and the CUDA backend (found with {@link java.util.ServiceLoader} through
 * {@link dev.lottery.nn.backend.BackendProvider}). {@link dev.lottery.nn.backend.Backends#select} opens one and says
 * why, with per-backend settings in {@link dev.lottery.nn.backend.BackendOptions}.
 *
 * <p>A backend is used by one thread at a time and closed by its owner; see the {@code dev.lottery.nn} package notes.
 */
package dev.lottery.nn.backend;
