#!/usr/bin/env python3
"""PyTorch reference for the CUDA backend's training step: lenet-300-100 (784-300-100-10, ReLU), batch 60,
masked SGD (lr 0.05; pruned weights kept exactly zero), the batch gathered on the device from a resident data
set by a shuffled index list. Measured in eager mode and captured as a CUDA graph, with the same model, masks
and batches. Prints one JSON object: {"device", "torch", "eager_steps_per_s", "graph_steps_per_s", ...}.

Run on the GPU machine: python3 bench/python/lenet_step_torch.py [--steps 3000] [--sparsity 0.5]
"""
import argparse
import json
import time

import torch


def build(device, sparsity, seed):
    g = torch.Generator(device="cpu").manual_seed(seed)
    sizes = [(300, 784), (100, 300), (10, 100)]
    weights, biases, masks = [], [], []
    for out_f, in_f in sizes:
        w = (torch.randn(out_f, in_f, generator=g) * 0.1).clamp_(-0.2, 0.2)
        m = (torch.rand(out_f, in_f, generator=g) >= sparsity).float()
        weights.append((w * m).to(device).requires_grad_(True))
        biases.append(torch.zeros(out_f, device=device, requires_grad=True))
        masks.append(m.to(device))
    return weights, biases, masks


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--batch", type=int, default=60)
    ap.add_argument("--sparsity", type=float, default=0.5)
    ap.add_argument("--examples", type=int, default=60000)
    args = ap.parse_args()
    device = torch.device("cuda")
    torch.backends.cuda.matmul.allow_tf32 = False  # our backend runs pedantic FP32 GEMMs
    lr = 0.05
    images = torch.rand(args.examples, 784, device=device)
    labels = torch.randint(0, 10, (args.examples,), device=device)
    order = torch.randperm(args.examples, device=device)  # one upload per epoch, as ours
    per_epoch = args.examples // args.batch
    weights, biases, masks = build(device, args.sparsity, 0)
    params = [p for pair in zip(weights, biases) for p in pair]

    cursor = torch.zeros((), dtype=torch.long, device=device)
    offsets = torch.arange(args.batch, device=device)

    def step():
        idx = order[(cursor * args.batch + offsets) % args.examples]
        x, y = images[idx], labels[idx]
        h = x
        for i, (w, b) in enumerate(zip(weights, biases)):
            h = torch.nn.functional.linear(h, w, b)
            if i < 2:
                h = torch.relu(h)
        loss = torch.nn.functional.cross_entropy(h, y)
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():
            torch._foreach_add_(params, grads, alpha=-lr)
            torch._foreach_mul_(weights, masks)  # pruned weights stay exactly zero
            cursor.add_(1).remainder_(per_epoch)
        return loss

    def timed(fn, steps):
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        for _ in range(steps):
            fn()
        torch.cuda.synchronize()
        return steps / (time.perf_counter() - t0)

    for _ in range(args.warmup):
        step()
    eager = timed(step, args.steps)

    # CUDA graph: warm up on a side stream (as the PyTorch docs require), capture one step, replay.
    s = torch.cuda.Stream()
    s.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(s):
        for _ in range(20):
            step()
    torch.cuda.current_stream().wait_stream(s)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        step()
    for _ in range(args.warmup):
        graph.replay()
    graphs = timed(graph.replay, args.steps)

    zeros_ok = all(bool((w.detach()[m == 0] == 0).all()) for w, m in zip(weights, masks))
    print(json.dumps({
        "benchmark": "lenet-300-100 masked SGD step",
        "device": torch.cuda.get_device_name(0),
        "torch": torch.__version__,
        "batch": args.batch,
        "sparsity": args.sparsity,
        "steps": args.steps,
        "eager_steps_per_s": round(eager, 1),
        "graph_steps_per_s": round(graphs, 1),
        "masked_weights_zero": zeros_ok,
    }))


if __name__ == "__main__":
    main()
