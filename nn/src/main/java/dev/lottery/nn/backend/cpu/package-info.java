/**
 * The CPU backend: off-heap tensors, blocked GEMM and element-wise loops on the Vector API, and a small crew of worker
 * threads for the parallel parts. Internal: exported only to the experiment module; programs get it through
 * {@link dev.lottery.nn.backend.Backends}.
 */
package dev.lottery.nn.backend.cpu;
