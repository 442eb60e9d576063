#!/usr/bin/env bash
# Runs ON the GPU machine, from the folder scripts/device-pack.sh made (it needs no JVM, Maven or network there):
#   1. what the machine has: nvidia-smi -L, the CUDA libraries found, java -version
#   2. the `gpu`-tagged JUnit tests (junit-platform-console-standalone)
#   3. the GPU JMH benchmarks (short: 1 fork, 1 warmup + 3 measurement iterations of 1 s)
#   4. the CUDA backend's lenet-300-100 step vs PyTorch (cuda-step-ours.json, cuda-step-torch.json)
#   5. the cuDNN conv path: conv4 and resnet20 training steps vs PyTorch (conv-step-ours.json, conv-step-torch.json)
#   6. populations: network-iterations/s of N = 1..32 lenet-300-100 and conv2 networks trained together, and the
#      speed-up over N = 1 (population.json)
# and writes everything into $OUT (or ./device-results): device-check-summary.txt (with the ratio tables),
# gpu-tests.txt (the JUnit tree; no XML reports: they need java.xml, 4 MiB the 64 MiB pack cannot spare),
# jmh-gpu.txt and jmh-gpu.json.
# Without a usable GPU it stops after step 1 with one line saying why and exit code 3.
# DEVICE_CHECK_FORCE=1 runs steps 2-6 anyway (the tests skip, the benchmarks print their no-GPU lines), to try
# the pack on a machine without a GPU.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
out=${OUT:-$here/device-results}
mkdir -p "$out"
summary="$out/device-check-summary.txt"
: > "$summary"
say() { echo "$*" | tee -a "$summary"; }

java="$here/runtime/bin/java"
if [ ! -x "$java" ]; then
  say "device-check: $java missing: run scripts/device-pack.sh and copy device-pack/ here"
  exit 2
fi
jvm_flags=(--enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Xss4m)

say "== machine"
if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi -L 2>&1 | tee -a "$summary"
else
  say "nvidia-smi: not found"
fi
# The CUDA libraries as pip wheels (PyTorch's venv) and the driver; our loader searches these by itself,
# LD_LIBRARY_PATH is only for libraries that dlopen their siblings by name.
lib_dirs=$(ls -d /opt/*/.venv/lib/python3*/site-packages/nvidia/*/lib /usr/local/lib/python3*/dist-packages/nvidia/*/lib 2>/dev/null | tr '\n' ':')
export LD_LIBRARY_PATH="${lib_dirs}${LD_LIBRARY_PATH:-}"
say "CUDA library files found:"
for pattern in 'libcuda.so.1' 'libnvrtc.so.1[23]' 'libcublas.so.1[23]' 'libcudnn.so.9'; do
  found=$(for d in ${lib_dirs//:/ } /usr/local/nvidia/lib64 /usr/local/nvidia/lib /usr/lib/x86_64-linux-gnu /usr/local/cuda/lib64; do
            ls "$d"/$pattern 2>/dev/null
          done | head -n 3 | tr '\n' ' ')
  say "  $pattern: ${found:-not found}"
done
"$java" -version 2>&1 | tee -a "$summary"

say "== CUDA through the FFM runtime"
"$java" "${jvm_flags[@]}" -cp benchmarks.jar dev.lottery.bench.gpu.GpuDiagnostics 2>&1 | tee -a "$summary"
probe=${PIPESTATUS[0]}
if [ "$probe" -ne 0 ] && [ "${DEVICE_CHECK_FORCE:-0}" != 1 ]; then
  say "device-check: no usable CUDA GPU on this machine (see the line above); nothing else was run"
  exit 3
fi

status=0
say "== gpu-tagged tests"
cp_entries=$(ls tests/*.jar lib/*.jar | tr '\n' ':')benchmarks.jar
"$java" "${jvm_flags[@]}" -jar tools/junit-platform-console-standalone-*.jar execute \
  --class-path "$cp_entries" --select-package dev.lottery --include-tag gpu \
  --details=tree --disable-banner --disable-ansi-colors 2>&1 | tee "$out/gpu-tests.txt" | tail -n 40 | tee -a "$summary"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

say "== GPU benchmarks (JMH: FFM runtime vs JCuda)"
"$java" "${jvm_flags[@]}" -jar benchmarks.jar 'dev\.lottery\.bench\.gpu\..*' -f 1 -wi 1 -i 3 -w 1s -r 1s \
  -rf json -rff "$out/jmh-gpu.json" > "$out/jmh-gpu.txt" 2>&1
[ $? -eq 0 ] || status=1
sed -n '/^Benchmark /,$p' "$out/jmh-gpu.txt" | tee -a "$summary"
grep -m 5 -E 'Exception|Error' "$out/jmh-gpu.txt" | tee -a "$summary" || true

# ---- CUDA backend: our lenet-300-100 step vs PyTorch eager and PyTorch + CUDA graphs --------------
say "== CUDA backend: lenet-300-100 masked step, ours vs PyTorch"
"$java" "${jvm_flags[@]}" -cp "$(ls lib/*.jar | tr '\n' ':')benchmarks.jar" dev.lottery.bench.cuda.CudaLenetStepBenchmark 3000 \
  > "$out/cuda-step-ours.json" 2> "$out/cuda-step-ours.err"
[ $? -eq 0 ] || status=1
cat "$out/cuda-step-ours.json" | tee -a "$summary"
torch_script=""
for candidate in "$here/lenet_step_torch.py" "$here/../bench/python/lenet_step_torch.py"; do
  [ -f "$candidate" ] && torch_script=$candidate && break
done
python=$(command -v python3 || true)
[ -x /opt/torch/.venv/bin/python3 ] && python=/opt/torch/.venv/bin/python3
if [ -n "$torch_script" ] && [ -n "$python" ]; then
  "$python" "$torch_script" --steps 3000 > "$out/cuda-step-torch.json" 2> "$out/cuda-step-torch.err" || status=1
  cat "$out/cuda-step-torch.json" | tee -a "$summary"
  "$python" - "$out/cuda-step-ours.json" "$out/cuda-step-torch.json" <<'PY' | tee -a "$summary"
import json, sys
try:
    ours, torch = (json.loads(open(p).read().strip().splitlines()[-1]) for p in sys.argv[1:3])
except Exception as e:
    print("ratio table: missing results (%s)" % e); sys.exit(0)
print("%-28s %12s %10s %8s" % ("steps/s (batch 60)", "value", "ratio", "target"))
print("%-28s %12.1f" % ("ours, CUDA graph", ours["graph_steps_per_s"]))
print("%-28s %12.1f" % ("ours, eager launches", ours["eager_steps_per_s"]))
for name, key, target in (("PyTorch eager", "eager_steps_per_s", 3.0), ("PyTorch + CUDA graphs", "graph_steps_per_s", 1.5)):
    r = ours["graph_steps_per_s"] / torch[key]
    print("%-28s %12.1f %9.2fx %7.1fx %s" % (name, torch[key], r, target, "ok" if r >= target else "BELOW TARGET"))
PY
else
  say "PyTorch comparison skipped: lenet_step_torch.py or python3 not found (copy bench/python/lenet_step_torch.py next to this script)"
fi
# The whole lenet-fig3 sweep with populations, timed. Opt-in: DEVICE_CHECK_LENET=1. The machine has no network: the
# MNIST cache comes as mnist.tar.gz (scripts/device-pack.sh with PACK_MNIST=1 writes it into device-data/, 11 MiB,
# to be carried in a call of its own: the pack alone is near the 64 MiB limit), or set LOTTERY_DATA to a cache.
# LENET_POPULATION (default auto) bounds the populations; LENET_TIMEOUT_S (default 540) cuts the run off: a sweep
# resumes, so a second call with the same results folder goes on where this one stopped. The metrics, manifest and
# logs come back as lenet-fig3-results.tar.gz (the weights stay behind).
if [ "${DEVICE_CHECK_LENET:-0}" = 1 ]; then
  for archive in "$here/mnist.tar.gz" "$here/../device-data/mnist.tar.gz"; do
    if [ -z "${LOTTERY_DATA:-}" ] && [ -f "$archive" ]; then
      mkdir -p "$here/data" && tar -xzf "$archive" -C "$here/data" && export LOTTERY_DATA="$here/data"
    fi
  done
  results=${LENET_RESULTS:-$here/lenet-fig3-results}
  say "== lottery experiment run --preset lenet-fig3 --device cuda --population ${LENET_POPULATION:-auto} (timed, data: ${LOTTERY_DATA:-none})"
  start_s=$(date +%s)
  timeout "${LENET_TIMEOUT_S:-540}" "$java" "${jvm_flags[@]}" -cp "$(ls lib/*.jar | tr '\n' ':')benchmarks.jar" dev.lottery.cli.LotteryCli \
    experiment run --preset lenet-fig3 --device cuda --population "${LENET_POPULATION:-auto}" --results "$results" --no-report \
    > "$out/lenet-fig3.txt" 2>&1
  lenet_status=$?
  say "lenet-fig3: $(( $(date +%s) - start_s )) s, exit status $lenet_status (124: cut off by LENET_TIMEOUT_S; run again to resume)"
  grep -E '^experiment|units together|^\[' "$out/lenet-fig3.txt" | tail -n 3 | tee -a "$summary"
  [ -d "$results" ] && tar -czf "$out/lenet-fig3-results.tar.gz" --exclude='*.npy' --exclude='*.ckpt' -C "$results" .
fi
# ---- end of the CUDA backend block ---------------------------------------------------------------------------

# ---- cuDNN conv path: conv4 (batch 50) and resnet20 (batch 128) training steps, ours vs PyTorch -------
# Each side measures eager, CUDA-graph and (resnet20) augmented-eager steps; CONV_STEPS (default 300) per variant
# keeps the block to well under a minute of GPU time; each command is cut off after CONV_TIMEOUT_S (default 240).
say "== cuDNN conv path: conv4/resnet20 step, ours vs PyTorch"
conv_steps=${CONV_STEPS:-300}
limit=()
command -v timeout >/dev/null 2>&1 && limit=(timeout "${CONV_TIMEOUT_S:-240}")
"${limit[@]}" "$java" "${jvm_flags[@]}" -cp "$(ls lib/*.jar | tr '\n' ':')benchmarks.jar" dev.lottery.bench.cuda.CudaConvStepBenchmark "$conv_steps" \
  > "$out/conv-step-ours.json" 2> "$out/conv-step-ours.err"
conv_rc=$?
cat "$out/conv-step-ours.json" | tee -a "$summary"
# Exit 3 is "no GPU", said by the JSON line above; anything else (a crash, the timeout's 124) shows its stderr.
if [ "$conv_rc" -ne 0 ]; then
  status=1
  if [ "$conv_rc" -ne 3 ]; then
    say "CudaConvStepBenchmark: exit $conv_rc; last lines of conv-step-ours.err:"
    grep -v 'Using incubator modules' "$out/conv-step-ours.err" | tail -n 5 | tee -a "$summary"
  fi
fi
conv_script=""
for candidate in "$here/conv_step_torch.py" "$here/../bench/python/conv_step_torch.py"; do
  [ -f "$candidate" ] && conv_script=$candidate && break
done
conv_python=$(command -v python3 || true)
[ -x /opt/torch/.venv/bin/python3 ] && conv_python=/opt/torch/.venv/bin/python3
if [ -n "$conv_script" ] && [ -n "$conv_python" ]; then
  "${limit[@]}" "$conv_python" "$conv_script" --steps "$conv_steps" > "$out/conv-step-torch.json" 2> "$out/conv-step-torch.err"
  conv_rc=$?
  cat "$out/conv-step-torch.json" | tee -a "$summary"
  if [ "$conv_rc" -ne 0 ]; then
    status=1
    if [ "$conv_rc" -ne 3 ]; then
      say "conv_step_torch.py: exit $conv_rc; last lines of conv-step-torch.err:"
      tail -n 5 "$out/conv-step-torch.err" | tee -a "$summary"
    fi
  fi
  "$conv_python" - "$out/conv-step-ours.json" "$out/conv-step-torch.json" <<'PY' | tee -a "$summary"
import json, sys

def by_model(path):
    """The JSON lines of one side by model; error lines (no GPU, no torch) are printed and skipped."""
    rows = {}
    try:
        lines = open(path).read().splitlines()
    except OSError as e:
        print("ratio table: %s unreadable (%s)" % (path, e))
        return rows
    for line in lines:
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if "model" in row:
            rows[row["model"]] = row
        elif "error" in row:
            print("ratio table: %s: %s" % (path.rsplit("/", 1)[-1], row["error"]))
    return rows

ours, torch = by_model(sys.argv[1]), by_model(sys.argv[2])
def fmt(v):
    return "%12.1f" % v if isinstance(v, (int, float)) else "%12s" % "-"
def ratio(a, b):
    return "%9.2fx" % (a / b) if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b > 0 else "%10s" % "-"
models = [m for m in ("conv4", "resnet20") if m in ours and m in torch]
if not models:
    print("ratio table: no model measured on both sides")
for m in models:
    o, t = ours[m], torch[m]
    print("%-30s %12s %12s %10s" % ("%s steps/s (batch %d)" % (m, o["batch"]), "ours", "PyTorch", "ours/torch"))
    for label, key in (("eager", "eager_steps_per_s"), ("CUDA graph", "graph_steps_per_s"),
                       ("eager + augmentation", "augmented_eager_steps_per_s")):
        if o.get(key) is None and t.get(key) is None:
            continue
        print("%-30s %s %s %s" % (label, fmt(o.get(key)), fmt(t.get(key)), ratio(o.get(key), t.get(key))))
    best = max((v for v in (t.get("eager_steps_per_s"), t.get("graph_steps_per_s")) if isinstance(v, (int, float))), default=None)
    if o.get("augmentation", "none") != "none":
        best = t.get("augmented_eager_steps_per_s")  # the trainer's path is augmented: compare with torch's augmented step
    # conv4's trainer records (graph): vs PyTorch's faster variant; resnet20's augments (eager): vs torch's augmented.
    print("%-30s %s %s %s" % ("trainer's path: " + o["trainer_path"].split(" ")[0], fmt(o.get("trainer_steps_per_s")), fmt(best),
                              ratio(o.get("trainer_steps_per_s"), best)))
    for side, row in (("ours", o), ("PyTorch", t)):
        if row.get("graph_error"):
            print("  %s graph: %s" % (side, row["graph_error"]))
    same = (o["prunable_weights"], o["other_parameters"]) == (t["prunable_weights"], t["other_parameters"])
    print("  parameters: ours %d prunable + %d other, PyTorch %d + %d: %s; masked weights zero: ours %s, PyTorch %s"
          % (o["prunable_weights"], o["other_parameters"], t["prunable_weights"], t["other_parameters"],
             "same" if same else "DIFFERENT", o["masked_weights_zero"], t["masked_weights_zero"]))
PY
else
  say "PyTorch conv comparison skipped: conv_step_torch.py or python3 not found (copy bench/python/conv_step_torch.py next to this script)"
fi
# ---- end of the cuDNN conv block -------------------------------------------------------------------------------

# ---- Populations: N networks trained in one step; network-iterations/s against N and the speed-up over N = 1 ----
# lenet-300-100 and conv2 (28x28x1 input, as with --dataset mnist) at N = 1, 2, 4, 8, 16, 32 members, every iteration
# the trainer's step for all members plus an evaluation of all of them on 10,000 test examples every 100 iterations;
# eager and CUDA graph. POP_ITERATIONS (default 300) timed iterations per variant; the command is cut off after
# POP_TIMEOUT_S (default 300). The goal it reports: >= 10x network-iterations/s at N >= 32 over N = 1 (H100/H200).
say "== populations: network-iterations/s against N (lenet-300-100, conv2)"
pop_limit=()
command -v timeout >/dev/null 2>&1 && pop_limit=(timeout "${POP_TIMEOUT_S:-300}")
"${pop_limit[@]}" "$java" "${jvm_flags[@]}" -cp "$(ls lib/*.jar | tr '\n' ':')benchmarks.jar" dev.lottery.bench.cuda.CudaPopulationBenchmark \
  --iterations "${POP_ITERATIONS:-300}" > "$out/population.json" 2> "$out/population.err"
pop_rc=$?
# Exit 3 is "no GPU" and 1 "some (model, N) failed", both said by JSON lines; anything else (a crash, the timeout's
# 124) shows its stderr.
if [ "$pop_rc" -ne 0 ]; then
  status=1
  if [ "$pop_rc" -ne 3 ] && [ "$pop_rc" -ne 1 ]; then
    say "CudaPopulationBenchmark: exit $pop_rc; last lines of population.err:"
    grep -v 'Using incubator modules' "$out/population.err" | tail -n 5 | tee -a "$summary"
  fi
fi
if command -v python3 >/dev/null 2>&1; then
  python3 - "$out/population.json" <<'PY' | tee -a "$summary"
import json, sys

rows = {}
try:
    lines = open(sys.argv[1]).read().splitlines()
except OSError as e:
    print("population table: %s unreadable (%s)" % (sys.argv[1], e))
    lines = []
for line in lines:
    try:
        row = json.loads(line)
    except ValueError:
        continue
    if "error" in row:
        where = "%s N=%s: " % (row["model"], row["members"]) if "model" in row else ""
        print("population: %s%s" % (where, row["error"]))
        continue
    rows.setdefault(row["model"], {})[row["members"]] = row
if not rows:
    print("population table: nothing measured")

def fmt(v):
    return "%15.1f" % v if isinstance(v, (int, float)) else "%15s" % "-"

def ratio(a, b):
    return "%8.2fx" % (a / b) if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b > 0 else "%9s" % "-"

for model, by_n in rows.items():
    first = by_n[min(by_n)]
    print("%s (input %s, batch %d, eval on %d test examples every %d iterations; network-iterations/s = members x iterations/s)"
          % (model, first["input"], first["batch"], first["test_examples"], first["eval_every"]))
    print("%5s %15s %15s %9s %9s" % ("N", "eager", "CUDA graph", "eager/N1", "graph/N1"))
    base = by_n.get(1, {})
    for n in sorted(by_n):
        r = by_n[n]
        print("%5d %s %s %s %s" % (n, fmt(r["eager_network_iterations_per_s"]), fmt(r["graph_network_iterations_per_s"]),
                                   ratio(r["eager_network_iterations_per_s"], base.get("eager_network_iterations_per_s")),
                                   ratio(r["graph_network_iterations_per_s"], base.get("graph_network_iterations_per_s"))))
        if r.get("graph_error"):
            print("      graph: %s" % r["graph_error"])
        if not r["masked_weights_zero"]:
            print("      MASKED WEIGHTS NOT ZERO")
    # The trainer's path (graph when it records; eager when the graph failed) at the largest N >= 32 against N = 1.
    key = "graph_network_iterations_per_s"
    if first["trainer_path"] != "graph" or not isinstance(base.get(key), (int, float)):
        key = "eager_network_iterations_per_s"
    big = [n for n in by_n if n >= 32 and isinstance(by_n[n].get(key), (int, float))]
    if big and isinstance(base.get(key), (int, float)):
        n = max(big)
        x = by_n[n][key] / base[key]
        print("  goal >= 10x at N >= 32 (%s): N=%d gives %.2fx: %s" % (key.split("_")[0], n, x, "ok" if x >= 10 else "BELOW GOAL"))
    else:
        print("  goal >= 10x at N >= 32: not measured (N = 1 or N >= 32 missing)")
PY
else
  say "population table skipped: python3 not found; the lines are in $out/population.json"
fi
# ---- end of the populations block -----------------------------------------------------------------------------

say "device-check: done, status $status; results in $out"
exit $status
