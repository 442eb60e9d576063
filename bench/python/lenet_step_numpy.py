#!/usr/bin/env python3
"""NumPy peer of the JVM CPU backend: one lenet-300-100 training step and the GEMMs it is made of.

The step is the same work as LenetStepBenchmark (dev.lottery.bench.cpu): batch 60, float32 throughout, weights
stored [out, in] with masks applied, forward (dense + bias + ReLU twice, then dense + bias), softmax
cross-entropy gradient, backward (weight and bias gradients for every layer, input gradients for layers 2 and 3),
and a plain SGD update that keeps pruned weights at zero. NumPy is given every fair chance: all buffers are
preallocated and every product writes into them with ``out=``, so what is timed is BLAS plus NumPy's element-wise
loops, not allocation.

Run it through scripts/bench-cpu.sh, which unsets OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE for this process only
(on this machine they can pin OpenBLAS to a slower kernel). The BLAS in use is printed first.

Output: human-readable lines, plus machine-readable ``RESULT key value`` lines for the script.
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np

BATCH, D_IN, H1, H2, CLASSES = 60, 784, 300, 100, 10
LR = 0.05

# (name, transA, transB, m, n, k) in the BLAS sense, matching GemmBenchmark's shapes.
GEMM_SHAPES = [
    ("NT_60x300x784", False, True, 60, 300, 784),
    ("NT_60x100x300", False, True, 60, 100, 300),
    ("NT_60x10x100", False, True, 60, 10, 100),
    ("TN_300x784x60", True, False, 300, 784, 60),
    ("TN_100x300x60", True, False, 100, 300, 60),
    ("TN_10x100x60", True, False, 10, 100, 60),
    ("NN_60x300x100", False, False, 60, 300, 100),
    ("NN_60x100x10", False, False, 60, 100, 10),
    ("NN_256x256x256", False, False, 256, 256, 256),
    ("NN_512x512x512", False, False, 512, 512, 512),
    ("NN_1024x1024x1024", False, False, 1024, 1024, 1024),
]


def describe_blas():
    print(f"numpy {np.__version__}, python {sys.version.split()[0]}")
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        print(f"  {var}={os.environ.get(var, '<unset>')}")
    try:
        from threadpoolctl import threadpool_info

        for info in threadpool_info():
            print("  blas: " + ", ".join(f"{k}={info.get(k)}" for k in
                                         ("internal_api", "version", "architecture", "num_threads", "threading_layer")))
        return
    except ImportError:
        pass
    # No threadpoolctl: ask the OpenBLAS bundled with numpy directly. Its exported names depend on the build
    # (plain openblas_*, or scipy-openblas's prefixed, 64-bit-int suffixed ones), so try both spellings.
    try:
        import ctypes
        import glob

        here = os.path.dirname(np.__file__)
        for path in sorted(glob.glob(os.path.join(here, "..", "numpy.libs", "*openblas*"))):
            lib = ctypes.CDLL(path)
            for pre, suf in (("scipy_", "64_"), ("scipy_", ""), ("", "64_"), ("", "")):
                core = getattr(lib, f"{pre}openblas_get_corename{suf}", None)
                if core is None:
                    continue
                cfg = getattr(lib, f"{pre}openblas_get_config{suf}")
                threads = getattr(lib, f"{pre}openblas_get_num_threads{suf}")
                core.restype = cfg.restype = ctypes.c_char_p
                print(f"  blas: {os.path.basename(path)} kernel={core().decode()} threads={threads()} "
                      f"config={cfg().decode().strip()}")
                return
    except (OSError, AttributeError):
        pass
    np.show_config()


class LenetStep:
    """Preallocated buffers and the step itself."""

    def __init__(self, seed=1, keep=0.5):
        rng = np.random.default_rng(seed)
        f32 = np.float32

        def weights(out, inp):
            return (np.clip(rng.standard_normal((out, inp)), -2, 2) * 0.1).astype(f32)

        self.x = rng.random((BATCH, D_IN), dtype=f32)
        self.labels = rng.integers(0, CLASSES, BATCH)
        self.w = [weights(H1, D_IN), weights(H2, H1), weights(CLASSES, H2)]
        self.b = [np.zeros(H1, f32), np.zeros(H2, f32), np.zeros(CLASSES, f32)]
        # Masks as float 0/1 like the JVM side; a random half pruned (the paper's last layer prunes at half rate,
        # but the work per step does not depend on the rate because the products stay dense).
        self.m = [(rng.random(w.shape) < keep).astype(f32) for w in self.w]
        for w, m in zip(self.w, self.m):
            w *= m
        self.h1 = np.empty((BATCH, H1), f32)
        self.h2 = np.empty((BATCH, H2), f32)
        self.logits = np.empty((BATCH, CLASSES), f32)
        self.dlogits = np.empty((BATCH, CLASSES), f32)
        self.dh2 = np.empty((BATCH, H2), f32)
        self.dh1 = np.empty((BATCH, H1), f32)
        self.dw = [np.empty_like(w) for w in self.w]
        self.db = [np.empty_like(b) for b in self.b]
        self.rows = np.arange(BATCH)
        self.loss = 0.0

    def step(self):
        x, w, b, m, dw, db = self.x, self.w, self.b, self.m, self.dw, self.db
        h1, h2, logits, g = self.h1, self.h2, self.logits, self.dlogits
        # forward
        np.matmul(x, w[0].T, out=h1)
        h1 += b[0]
        np.maximum(h1, 0, out=h1)
        np.matmul(h1, w[1].T, out=h2)
        h2 += b[1]
        np.maximum(h2, 0, out=h2)
        np.matmul(h2, w[2].T, out=logits)
        logits += b[2]
        # softmax cross-entropy and its gradient, (p - onehot) / batch
        np.subtract(logits, logits.max(axis=1, keepdims=True), out=g)
        np.exp(g, out=g)
        g /= g.sum(axis=1, keepdims=True)
        self.loss = -np.log(g[self.rows, self.labels]).mean()
        g[self.rows, self.labels] -= 1
        g *= 1.0 / BATCH
        # backward
        np.matmul(g.T, h2, out=dw[2])
        np.sum(g, axis=0, out=db[2])
        np.matmul(g, w[2], out=self.dh2)
        self.dh2 *= h2 > 0
        np.matmul(self.dh2.T, h1, out=dw[1])
        np.sum(self.dh2, axis=0, out=db[1])
        np.matmul(self.dh2, w[1], out=self.dh1)
        self.dh1 *= h1 > 0
        np.matmul(self.dh1.T, x, out=dw[0])
        np.sum(self.dh1, axis=0, out=db[0])
        # SGD, pruned weights stay zero
        for i in range(3):
            dw[i] *= LR
            w[i] -= dw[i]
            w[i] *= m[i]
            db[i] *= LR
            b[i] -= db[i]


def time_rate(fn, min_seconds, repeats):
    """Calls per second: best and median over `repeats` runs of at least `min_seconds` each, after a warm-up."""
    n = 1
    while True:  # calibrate (doubles as warm-up)
        t = time.perf_counter()
        for _ in range(n):
            fn()
        dt = time.perf_counter() - t
        if dt >= min_seconds / 4:
            break
        n *= 2
    n = max(1, int(n * min_seconds / max(dt, 1e-9) / 4) * 4 // 4)
    rates = []
    for _ in range(repeats):
        t = time.perf_counter()
        for _ in range(n):
            fn()
        rates.append(n / (time.perf_counter() - t))
    return max(rates), statistics.median(rates)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=1.0, help="length of one timed run")
    ap.add_argument("--repeats", type=int, default=5, help="timed runs per measurement")
    ap.add_argument("--skip-gemm", action="store_true", help="time only the training step")
    args = ap.parse_args()

    describe_blas()
    step = LenetStep()
    best, median = time_rate(step.step, args.seconds, args.repeats)
    print(f"lenet-300-100 step (batch {BATCH}): best {best:,.0f} steps/s, median {median:,.0f} steps/s "
          f"({1e6 / median:.0f} us/step), loss {step.loss:.3f}")
    print(f"RESULT numpy_step_per_s_best {best:.1f}")
    print(f"RESULT numpy_step_per_s_median {median:.1f}")

    if args.skip_gemm:
        return
    rng = np.random.default_rng(2)
    for name, ta, tb, m, n, k in GEMM_SHAPES:
        a = rng.random((k, m) if ta else (m, k), dtype=np.float32)
        b = rng.random((n, k) if tb else (k, n), dtype=np.float32)
        c = np.empty((m, n), np.float32)
        opa, opb = (a.T if ta else a), (b.T if tb else b)
        best, median = time_rate(lambda: np.matmul(opa, opb, out=c), args.seconds / 2, args.repeats)
        gflops = 2.0 * m * n * k * median / 1e9
        print(f"gemm {name:>18}: {gflops:7.1f} GFLOP/s (median), {1e6 / median:9.1f} us/call")
        print(f"RESULT numpy_gemm_gflops_{name} {gflops:.2f}")


if __name__ == "__main__":
    main()
