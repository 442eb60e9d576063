#!/usr/bin/env python3
"""Prints the CPU comparison from a JMH JSON result and the NumPy peer's output (both written by scripts/bench-cpu.sh).

Per GEMM shape: our GFLOP/s (JMH products/s x 2mnk), NumPy's, and the ratio; then the lenet-300-100 step:
ours and NumPy's steps/s and ours / NumPy with half the weights kept (our products dense, like NumPy's), and ours
with fewer kept, where our masked products skip the pruned weights. Both sides are summarised the same way: the median of the timed
iterations (JMH's per-iteration scores, NumPy's repeats), so one unlucky iteration on a shared machine does
not decide the ratio. Writes the numbers as JSON too when --json is given.
"""
import argparse
import json
import statistics
import sys


def gemm_flops(shape):
    dims = shape.split("_")[1].split("x")
    m, n, k = (int(d) for d in dims)
    return 2.0 * m * n * k


def median_score(entry):
    raw = [v for fork in entry["primaryMetric"].get("rawData", []) for v in fork]
    return statistics.median(raw) if raw else entry["primaryMetric"]["score"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("jmh_json")
    ap.add_argument("numpy_output")
    ap.add_argument("--json", help="also write the summary here")
    args = ap.parse_args()

    with open(args.jmh_json) as f:
        jmh = json.load(f)
    numpy = {}
    with open(args.numpy_output) as f:
        for line in f:
            if line.startswith("RESULT "):
                _, key, value = line.split()
                numpy[key] = float(value)

    ours_step = None
    masked_steps = {}
    gemm = {}
    for e in jmh:
        name = e["benchmark"].rsplit(".", 2)[-2]
        if name == "LenetStepBenchmark":
            keep = e.get("params", {}).get("keep", "0.5")
            # Half the weights kept is the NumPy comparison (our products stay dense there, as NumPy's do).
            if keep == "0.5":
                ours_step = median_score(e)
            else:
                masked_steps[keep] = median_score(e)
        elif name == "GemmBenchmark":
            shape = e["params"]["shape"]
            gemm[shape] = median_score(e) * gemm_flops(shape) / 1e9

    summary = {"gemm_gflops": {}, "step": {}}
    if gemm:
        print(f"{'GEMM (BLAS m x n x k)':<22} {'ours GFLOP/s':>13} {'NumPy GFLOP/s':>14} {'ours/NumPy':>11}")
        for shape, ours in gemm.items():
            theirs = numpy.get(f"numpy_gemm_gflops_{shape}")
            ratio = f"{ours / theirs:10.2f}x" if theirs else f"{'-':>11}"
            print(f"{shape:<22} {ours:13.1f} {theirs if theirs else float('nan'):14.1f} {ratio}")
            summary["gemm_gflops"][shape] = {"ours": round(ours, 2), "numpy": theirs}
    theirs_step = numpy.get("numpy_step_per_s_median")
    if ours_step is not None:
        print(f"\nlenet-300-100 training step, batch 60 (median of timed iterations):")
        print(f"  ours (JVM, CPU backend): {ours_step:10,.0f} steps/s  ({1e6 / ours_step:7.0f} us/step)")
        if theirs_step:
            print(f"  NumPy + OpenBLAS:        {theirs_step:10,.0f} steps/s  ({1e6 / theirs_step:7.0f} us/step)")
            print(f"  ratio ours / NumPy:      {ours_step / theirs_step:10.2f}x   (target >= 1.5x)")
        summary["step"] = {"ours_per_s": round(ours_step, 1), "numpy_per_s": theirs_step,
                           "ratio": round(ours_step / theirs_step, 3) if theirs_step else None}
        for keep, score in sorted(masked_steps.items()):
            print(f"  ours with {float(keep):.0%} of the weights kept (masked products): {score:10,.0f} steps/s"
                  + (f"  ({score / theirs_step:.2f}x NumPy's dense step)" if theirs_step else ""))
            summary["step"][f"ours_per_s_keep_{keep}"] = round(score, 1)
    elif not gemm:
        sys.exit("no CPU benchmark results in " + args.jmh_json)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(summary, f, indent=2)


if __name__ == "__main__":
    main()
