#!/usr/bin/env python3
"""Joins ConvLayerTimes' lines (ours) and conv_layers_torch.py's (PyTorch) into one table per model: each layer
geometry's passes in ms, PyTorch's time over ours (above 1: ours is faster), and the sum over one training step
(every pass times the number of layers of that geometry). Used by scripts/bench-conv-layers.sh.

  summarize_conv_layers.py OURS_JSONL PYTORCH_JSONL
"""
import json
import sys


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip().startswith("{")]


def key(row):
    return (row["model"], tuple(row["geometry"]), row["pass"])


def main():
    ours = {key(r): r for r in load(sys.argv[1])}
    torch = {key(r): r for r in load(sys.argv[2]) if "ms" in r}
    models = []
    for k in ours:
        if k[0] not in models:
            models.append(k[0])
    for model in models:
        print(f"{model}: ms per call (fastest), PyTorch / ours (above 1: ours faster)")
        print(f"{'layer (N C HxW -> K, kernel, stride, pad)':44} {'x':>2}  {'pass':7} {'ours':>8} {'PyTorch':>8} {'ratio':>6}")
        step_ours = step_torch = 0.0
        for k, row in ours.items():
            if k[0] != model:
                continue
            n, c, h, w, f, r, s, p = row["geometry"]
            name = f"{n} {c} {h}x{w} -> {f}, {r}x{r}, s{s}, p{p}"
            t = torch.get(k)
            tm = t["ms"] if t else float("nan")
            step_ours += row["ms"] * row["count"]
            step_torch += tm * row["count"]
            print(f"{name:44} {row['count']:>2}  {row['pass']:7} {row['ms']:8.2f} {tm:8.2f} {tm / row['ms']:6.2f}")
        print(f"{'all convolutions of one step':44} {'':>2}  {'':7} {step_ours:8.1f} {step_torch:8.1f} {step_torch / step_ours:6.2f}")
        print()


if __name__ == "__main__":
    main()
