#!/usr/bin/env python3
"""PyTorch reference for the convolutional training step, the counterpart of dev.lottery.bench.cuda.CudaConvStepBenchmark
(--device cuda) and dev.lottery.bench.conv.ConvStepBenchmark (--device cpu, scripts/bench-conv-cpu.sh): the same
architectures, batch sizes, optimizers and masks.

  conv2    on Fashion-MNIST's 1x28x28: 5x5x64 SAME, maxpool 2, 5x5x64 SAME, maxpool 2 (convolutions with bias, ReLU),
           fc 3136-384-192-10 (ReLU); batch 50; SGD lr 0.01.
  conv4    3x3x64, 3x3x64, maxpool 2, 3x3x128, 3x3x128, maxpool 2 (VALID convolutions with bias, ReLU),
           fc 3200-256-256-10 (ReLU); batch 50; SGD lr 0.003.
  resnet20 He et al.'s CIFAR resnet, n = 3: 3x3x16 conv (no bias) + BN + ReLU; 3 stages of 3 basic blocks with
           16/32/64 filters (conv3x3-BN-ReLU-conv3x3-BN, + shortcut, ReLU; first block of stages 2 and 3 has stride
           2 and a 1x1 stride-2 projection conv (no bias) + BN); global average pool; fc 64-10. Padding 1 on every
           3x3 (our SAME is symmetric (k-1)/2). BN momentum 0.1, eps 1e-5 (ours: running = 0.9 running + 0.1 batch).
           Batch 128; SGD lr 0.1, momentum 0.9, weight decay 1e-4 on every parameter (as our Sgd).

One step: the batch gathered on the device from a resident random set (45,000 examples, 3x32x32) by a shuffled
index list, training-mode forward (batch statistics, running averages updated), mean softmax cross-entropy,
gradients, SGD (g += wd * w; v = m * v + g; w -= lr * v), then masks multiplied into the weights (and their momentum)
so that half of every conv/fc weight tensor (the smallest magnitudes) stays exactly zero. Variants:
  eager            every op launched by Python
  graph            one step captured as a CUDA graph and replayed (skipped on a CPU)
  augmented eager  resnet20 only: per-example random flip and 4-pixel translation (zero fill) on the device
                   before the forward pass, as our trainer runs resnet20 (ours draws on the host and uploads the
                   draws each step; here torch draws on the device)
Precision: FP32 with TF32 disabled for both cuBLAS and cuDNN (our backend runs pedantic FP32 GEMMs and cuDNN FMA
math); cudnn.benchmark off (ours uses cuDNN's heuristics, no trial runs), unless --cudnn-benchmark.

Prints one JSON line per model with the keys of CudaConvStepBenchmark's lines (eager_steps_per_s,
graph_steps_per_s, augmented_eager_steps_per_s, prunable_weights, other_parameters, masked_weights_zero, ...).
Without torch, or without CUDA when --device cuda (the default), one JSON error line and exit 3.

Run on the GPU machine: python3 conv_step_torch.py [--steps 300] [--model conv2|conv4|resnet20|all]
On the CPU:             python3 conv_step_torch.py --device cpu --threads 2 --steps 30 --examples 1000
"""
import argparse
import json
import sys
import time

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError as e:  # the device check must read a clean line, not a traceback
    print(json.dumps({"error": "PyTorch not importable: %s" % e}))
    sys.exit(3)

MODELS = ("conv2", "conv4", "resnet20")
# (batch, lr, momentum, weight decay, augmented) as the presets say (nn/.../model/Presets.java)
SETTINGS = {
    "conv2": (50, 0.01, 0.0, 0.0, False),
    "conv4": (50, 0.003, 0.0, 0.0, False),
    "resnet20": (128, 0.1, 0.9, 1e-4, True),
}
# One example's shape: conv2 as it trains on Fashion-MNIST, the others on CIFAR-10.
INPUTS = {"conv2": (1, 28, 28), "conv4": (3, 32, 32), "resnet20": (3, 32, 32)}


def conv2():
    return nn.Sequential(
        nn.Conv2d(1, 64, 5, padding=2), nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(64, 64, 5, padding=2), nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),  # 64 x 7 x 7 = 3136
        nn.Linear(3136, 384), nn.ReLU(),
        nn.Linear(384, 192), nn.ReLU(),
        nn.Linear(192, 10))


def conv4():
    return nn.Sequential(
        nn.Conv2d(3, 64, 3), nn.ReLU(),
        nn.Conv2d(64, 64, 3), nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(64, 128, 3), nn.ReLU(),
        nn.Conv2d(128, 128, 3), nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),  # NCHW order, as our flatten: 128 x 5 x 5 = 3200
        nn.Linear(3200, 256), nn.ReLU(),
        nn.Linear(256, 256), nn.ReLU(),
        nn.Linear(256, 10))


class BasicBlock(nn.Module):
    """Our ResidualBlockLayer: relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), projection when the shape changes."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = None
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(out + (x if self.shortcut is None else self.shortcut(x)))


def resnet20():
    layers = [nn.Conv2d(3, 16, 3, 1, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU()]
    cin = 16
    for stage, filters in enumerate((16, 32, 64)):
        for block in range(3):
            layers.append(BasicBlock(cin, filters, 2 if stage > 0 and block == 0 else 1))
            cin = filters
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10)]
    return nn.Sequential(*layers)


def prunable(model):
    """Conv and fc weights: what our networks prune (not biases, not batch-norm scales/shifts)."""
    return [m.weight for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]


def build(name, device, sparsity, seed):
    torch.manual_seed(seed)
    model = {"conv2": conv2, "conv4": conv4, "resnet20": resnet20}[name]()
    for m in model.modules():  # Figure 1: Xavier normal weights, zero biases (BN: scale 1, shift 0)
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_normal_(m.weight)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
    model = model.to(device).train()
    weights = prunable(model)
    masks = []
    with torch.no_grad():
        for w in weights:  # the round(size * sparsity) smallest magnitudes, as pruneSmallestMagnitude
            k = int(round(w.numel() * sparsity))
            m = torch.ones(w.numel(), device=device)
            m[w.abs().flatten().argsort()[:k]] = 0
            m = m.view_as(w)
            w.mul_(m)
            masks.append(m)
    return model, weights, masks


def augment(x, shift):
    """Per example: mirror left-right with probability 1/2 and translate by dy, dx in [-shift, shift] with zero
    fill; dst[h, w] = src[h + dy, (flip ? W-1-w : w) + dx] as our shiftAndFlip. One gather from a padded copy."""
    n, c, h, w = x.shape
    dev = x.device
    flip = torch.rand(n, device=dev) < 0.5
    dy = torch.randint(-shift, shift + 1, (n, 1), device=dev)
    dx = torch.randint(-shift, shift + 1, (n, 1), device=dev)
    cols = torch.arange(w, device=dev).expand(n, w)
    cols = torch.where(flip[:, None], w - 1 - cols, cols) + dx + shift
    rows = torch.arange(h, device=dev).expand(n, h) + dy + shift
    padded = F.pad(x, (shift, shift, shift, shift))
    return padded[torch.arange(n, device=dev)[:, None, None, None], torch.arange(c, device=dev)[None, :, None, None],
                  rows[:, None, :, None], cols[:, None, None, :]]


def measure_model(name, args, device):
    batch, lr, momentum, wd, augmented_preset = SETTINGS[name]
    cuda = device.type == "cuda"
    sync = torch.cuda.synchronize if cuda else (lambda: None)
    model, weights, masks = build(name, device, args.sparsity, args.seed)
    params = list(model.parameters())
    weight_ids = {id(w) for w in weights}
    prunable_count = sum(w.numel() for w in weights)
    other_count = sum(p.numel() for p in params if id(p) not in weight_ids)
    velocities = [torch.zeros_like(p) for p in params] if momentum else None
    weight_velocities = [v for p, v in zip(params, velocities) if id(p) in weight_ids] if momentum else None

    images = torch.randn(args.examples, *INPUTS[name], device=device)
    labels = torch.randint(0, 10, (args.examples,), device=device)
    order = torch.randperm(args.examples, device=device)  # one resident order, as lenet_step_torch.py
    per_epoch = args.examples // batch
    cursor = torch.zeros((), dtype=torch.long, device=device)
    offsets = torch.arange(batch, device=device)

    def make_step(with_augmentation):
        def step():
            idx = order[(cursor * batch + offsets) % args.examples]
            x, y = images[idx], labels[idx]
            if with_augmentation:
                x = augment(x, 4)
            loss = F.cross_entropy(model(x), y)
            grads = torch.autograd.grad(loss, params)
            with torch.no_grad():
                if wd:
                    torch._foreach_add_(grads, params, alpha=wd)
                if momentum:
                    torch._foreach_mul_(velocities, momentum)
                    torch._foreach_add_(velocities, grads)
                    torch._foreach_add_(params, velocities, alpha=-lr)
                    torch._foreach_mul_(weight_velocities, masks)
                else:
                    torch._foreach_add_(params, grads, alpha=-lr)
                torch._foreach_mul_(weights, masks)  # pruned weights stay exactly zero
                cursor.add_(1).remainder_(per_epoch)
            return loss
        return step

    def timed(fn, steps):
        sync()
        t0 = time.perf_counter()
        for _ in range(steps):
            fn()
        sync()
        return steps / (time.perf_counter() - t0)

    warmup = args.warmup if args.warmup is not None else max(10, args.steps // 10)
    step = make_step(False)
    for _ in range(warmup):
        step()
    eager = timed(step, args.steps)

    augmented = None
    if augmented_preset:
        astep = make_step(True)
        for _ in range(warmup):
            astep()
        augmented = timed(astep, args.steps)

    graph_steps, graph_error = None, None
    if cuda:
        try:
            # Warm up on a side stream (as the PyTorch docs require), capture one step, replay.
            s = torch.cuda.Stream()
            s.wait_stream(torch.cuda.current_stream())
            with torch.cuda.stream(s):
                for _ in range(3):
                    step()
            torch.cuda.current_stream().wait_stream(s)
            graph = torch.cuda.CUDAGraph()
            with torch.cuda.graph(graph):
                step()
            for _ in range(warmup):
                graph.replay()
            graph_steps = timed(graph.replay, args.steps)
        except RuntimeError as e:
            graph_error = str(e).splitlines()[0] if str(e) else repr(e)
    else:
        graph_error = "CUDA graphs need a GPU"

    with torch.no_grad():
        zeros_ok = all(bool((w[m == 0] == 0).all()) for w, m in zip(weights, masks))
    result = {
        "benchmark": name + " masked training step",
        "model": name,
        "device": torch.cuda.get_device_name(device) if cuda else "cpu",
        "threads": None if cuda else torch.get_num_threads(),
        "torch": torch.__version__,
        "precision": "fp32, no TF32",
        "cudnn_benchmark": bool(torch.backends.cudnn.benchmark),
        "batch": batch,
        "input": "x".join(map(str, INPUTS[name])),
        "resident_examples": args.examples,
        "sparsity": args.sparsity,
        "optimizer": "sgd lr %s, momentum %s, weight decay %s" % (lr, momentum, wd),
        "augmentation": "flip and translate 4 (on the device)" if augmented_preset else "none",
        "steps": args.steps,
        "warmup": warmup,
        "prunable_weights": prunable_count,
        "other_parameters": other_count,
        "eager_steps_per_s": round(eager, 3),
        "graph_steps_per_s": None if graph_steps is None else round(graph_steps, 3),
        "augmented_eager_steps_per_s": None if augmented is None else round(augmented, 3),
        "masked_weights_zero": zeros_ok,
    }
    if graph_error is not None:
        result["graph_error"] = graph_error
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--warmup", type=int, default=None, help="default max(10, steps / 10), as ours")
    ap.add_argument("--model", choices=MODELS + ("all",), default="all")
    ap.add_argument("--sparsity", type=float, default=0.5)
    ap.add_argument("--examples", type=int, default=45000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--device", choices=("cuda", "cpu"), default="cuda")
    ap.add_argument("--threads", type=int, default=None, help="CPU threads for PyTorch (default: its own choice)")
    ap.add_argument("--cudnn-benchmark", action="store_true", help="let cuDNN time its algorithms (ours does not)")
    args = ap.parse_args()
    if args.steps <= 0:
        print(json.dumps({"error": "--steps must be positive"}))
        sys.exit(2)
    if args.device == "cuda" and not torch.cuda.is_available():
        print(json.dumps({"error": "no CUDA GPU visible to PyTorch %s (use --device cpu for a dry run)" % torch.__version__}))
        sys.exit(3)
    device = torch.device(args.device)
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    # Pedantic FP32 like our backend: no TF32 in matmuls or convolutions (cuDNN's default allows it).
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cudnn.benchmark = args.cudnn_benchmark
    for name in (MODELS if args.model == "all" else (args.model,)):
        print(json.dumps(measure_model(name, args, device)), flush=True)


if __name__ == "__main__":
    main()
