#!/usr/bin/env python3
"""PyTorch's CPU convolution passes for the layer geometries dev.lottery.bench.conv.ConvLayerTimes lists
(scripts/bench-conv-layers.sh): forward (with bias), data gradient and filter gradient, each the fastest of a few
calls per round over several rounds, as ours are timed. The gradients come from aten.convolution_backward with
only the one output asked for, which is what autograd calls for a convolution (oneDNN where PyTorch has it).

Reads the --list lines on stdin; prints them back, one per (geometry, pass), with "side": "pytorch" and "ms".
Without torch: one JSON error line and exit 3.

  java ... ConvLayerTimes --list | python3 conv_layers_torch.py --threads 2 [--rounds 6] [--calls 3]
"""
import argparse
import json
import sys
import time

try:
    import torch
except ImportError as e:
    print(json.dumps({"error": f"no torch: {e}"}))
    sys.exit(3)

PASSES = ["forward", "data", "filter"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: PyTorch's choice)")
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--calls", type=int, default=3)
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    layers = [json.loads(line) for line in sys.stdin if line.strip()]
    torch.manual_seed(7)
    tensors = []
    for layer in layers:
        n, c, h, w, k, r, s, p = layer["geometry"]
        x = torch.randn(n, c, h, w)
        wt = torch.randn(k, c, r, r)
        b = torch.randn(k)
        y = torch.nn.functional.conv2d(x, wt, b, s, p)
        tensors.append((x, wt, b, torch.randn_like(y), s, p))
    best = [[float("inf")] * 3 for _ in layers]
    for _ in range(args.rounds):
        for i, layer in enumerate(layers):
            x, wt, b, dy, s, p = tensors[i]
            for pass_ in range(3):
                if pass_ == 1 and layer["input"]:
                    continue
                for _ in range(args.calls):
                    start = time.perf_counter()
                    if pass_ == 0:
                        torch.nn.functional.conv2d(x, wt, b, s, p)
                    else:
                        mask = [pass_ == 1, pass_ == 2, False]
                        torch.ops.aten.convolution_backward(dy, x, wt, None, [s, s], [p, p], [1, 1], False, [0, 0], 1, mask)
                    best[i][pass_] = min(best[i][pass_], (time.perf_counter() - start) * 1e3)
    for i, layer in enumerate(layers):
        for pass_ in range(3):
            if pass_ == 1 and layer["input"]:
                continue
            print(json.dumps({**layer, "side": "pytorch", "pass": PASSES[pass_], "ms": round(best[i][pass_], 3)}))


if __name__ == "__main__":
    main()
