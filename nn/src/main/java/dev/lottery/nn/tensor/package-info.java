/**
 * Float32 tensors owned by a backend: {@link dev.lottery.nn.tensor.HostTensor} in 64-byte aligned off-heap memory for
 * the CPU backend, {@link dev.lottery.nn.tensor.DeviceTensor} in GPU memory. Values move between the host and a tensor
 * only through {@link dev.lottery.nn.tensor.Tensor#toArray()} and {@link dev.lottery.nn.tensor.Tensor#copyFrom}.
 * A tensor is closed by its owner and used by one thread at a time.
 */
package dev.lottery.nn.tensor;
