#!/usr/bin/env python3
"""Prints the convolutional step comparison from our JMH JSON results and PyTorch's JSON lines (both written by
scripts/bench-conv-cpu.sh): per model, our steps/s (ConvStepBenchmark, the median of the measured iterations),
PyTorch's eager masked step (bench/python/conv_step_torch.py --device cpu) and ours / PyTorch; with --baseline, also
an earlier build's steps/s from the same run and ours / before. Writes the numbers as JSON too when --json is given.
With --combine, reads such JSON summaries of several rounds instead and prints, per model, the median and range of
ours / PyTorch over the rounds (each round's ratio from figures taken minutes apart) and the median steps/s.
Exit 1 when a model is missing on either side (in every round, for --combine).
"""
import argparse
import json
import statistics
import sys

# The models compared, with the input each trains on (conv2 as in its Fashion-MNIST quick preset) and the
# ConvStepBenchmark dataset parameter that selects it (empty: the preset's own).
MODELS = (("conv2", "1x28x28", "fashion-mnist"), ("conv4", "3x32x32", ""), ("resnet20", "3x32x32", ""))
DATASETS = {model: dataset for model, _, dataset in MODELS}


def cell(v):
    return f"{v:.2f}" if v is not None else "-"


def median_score(entry):
    raw = [v for fork in entry["primaryMetric"].get("rawData", []) for v in fork]
    return statistics.median(raw) if raw else entry["primaryMetric"]["score"]


def steps_per_s(paths):
    """Steps/s per model, from runs on the model's compared input only (an older benchmark without the dataset
    parameter ignores it and trains conv2 on 3x32x32: not comparable)."""
    scores = {}
    for path in paths:
        with open(path) as f:
            for e in json.load(f):
                model = e["params"]["model"]
                if e["params"].get("dataset", "") == DATASETS.get(model):
                    scores[model] = median_score(e)
    return scores


def combine(paths, out):
    """Median and range over rounds of each model's ratio (and speed-up over the baseline, where rounds have one)."""
    rounds = []
    for path in paths:
        with open(path) as f:
            rounds.append(json.load(f))
    median = lambda v: statistics.median(v) if v else None
    span = lambda v: f"{min(v):.2f}-{max(v):.2f}" if v else "-"
    with_baseline = any(m.get("speedup") for r in rounds for m in r["models"].values())
    print(f"{'model (input)':<22} {'rounds':>6} {'ours steps/s':>13} {'PyTorch steps/s':>16} {'ours/PyTorch':>13} {'range':>10}"
          + (f" {'ours/before':>12} {'range':>10}" if with_baseline else ""))
    summary, missing = {"rounds": len(rounds), "models": {}}, False
    for model, shape, _ in MODELS:
        entries = [r["models"].get(model, {}) for r in rounds]
        ratios = [e["ratio"] for e in entries if e.get("ratio")]
        speedups = [e["speedup"] for e in entries if e.get("speedup")]
        ours = median([e["ours_steps_per_s"] for e in entries if e.get("ours_steps_per_s")])
        theirs = median([e["pytorch_steps_per_s"] for e in entries if e.get("pytorch_steps_per_s")])
        missing |= not ratios
        ratio = median(ratios)
        line = (f"{model + ' (' + shape + ')':<22} {len(ratios):>6} {cell(ours):>13} {cell(theirs):>16}"
                f" {(f'{ratio:.2f}x' if ratio else '-'):>13} {span(ratios):>10}")
        if with_baseline:
            line += f" {(f'{median(speedups):.2f}x' if speedups else '-'):>12} {span(speedups):>10}"
        print(line)
        summary["models"][model] = {"input": shape, "ours_steps_per_s": ours, "pytorch_steps_per_s": theirs,
                                    "ratio": round(ratio, 3) if ratio else None, "ratios": ratios}
        if with_baseline:
            summary["models"][model]["speedups"] = speedups
    if out:
        with open(out, "w") as f:
            json.dump(summary, f, indent=2)
    return 1 if missing else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("torch_output", nargs="?", help="conv_step_torch.py's JSON lines")
    ap.add_argument("jmh_json", nargs="*", help="JMH JSON results of ConvStepBenchmark")
    ap.add_argument("--baseline", nargs="+", default=[], help="JMH JSON results of an earlier build's ConvStepBenchmark")
    ap.add_argument("--combine", nargs="+", default=[], help="JSON summaries of rounds, written by --json, to combine")
    ap.add_argument("--json", help="also write the summary here")
    args = ap.parse_args()
    if args.combine:
        sys.exit(combine(args.combine, args.json))
    if not args.torch_output or not args.jmh_json:
        ap.error("give PyTorch's output and our JMH results, or --combine")

    ours, before = steps_per_s(args.jmh_json), steps_per_s(args.baseline)
    theirs, torch_info = {}, {}
    with open(args.torch_output) as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            r = json.loads(line)
            if "error" in r:
                print("PyTorch: " + r["error"], file=sys.stderr)
                continue
            theirs[r["model"]] = r["eager_steps_per_s"]
            torch_info = {"torch": r.get("torch"), "threads": r.get("threads")}

    times = lambda v: f"{v:.2f}x" if v is not None else "-"
    header = f"{'model (input)':<22} {'ours steps/s':>13} {'PyTorch steps/s':>16} {'ours/PyTorch':>13}"
    print(header + (f" {'before steps/s':>15} {'ours/before':>12}" if args.baseline else ""))
    summary, missing = {"pytorch": torch_info, "models": {}}, False
    for model, shape, _ in MODELS:
        a, b, c = ours.get(model), theirs.get(model), before.get(model)
        missing |= a is None or b is None
        ratio = a / b if a and b else None
        speedup = a / c if a and c else None
        line = f"{model + ' (' + shape + ')':<22} {cell(a):>13} {cell(b):>16} {times(ratio):>13}"
        print(line + (f" {cell(c):>15} {times(speedup):>12}" if args.baseline else ""))
        summary["models"][model] = {"input": shape, "ours_steps_per_s": a, "pytorch_steps_per_s": b,
                                    "ratio": round(ratio, 3) if ratio else None}
        if args.baseline:
            summary["models"][model].update({"before_steps_per_s": c, "speedup": round(speedup, 3) if speedup else None})
    if args.json:
        with open(args.json, "w") as f:
            json.dump(summary, f, indent=2)
    sys.exit(1 if missing else 0)


if __name__ == "__main__":
    main()
