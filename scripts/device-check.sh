#!/usr/bin/env bash
# Runs ON the GPU machine, from the folder scripts/device-pack.sh made (it needs no JVM, Maven or network there):
#   1. what the machine has: nvidia-smi -L, the CUDA libraries found, java -version
#   2. the `gpu`-tagged JUnit tests (junit-platform-console-standalone)
#   3. the GPU JMH benchmarks (short: 1 fork, 1 warmup + 3 measurement iterations of 1 s)
# and writes everything into $OUT (or ./device-results): device-check-summary.txt, gpu-tests.txt (the JUnit tree;
# no XML reports: they need java.xml, 4 MiB the 64 MiB pack cannot spare), jmh-gpu.txt and jmh-gpu.json.
# Without a usable GPU it stops after step 1 with one line saying why and exit code 3.
# DEVICE_CHECK_FORCE=1 runs steps 2-3 anyway (the tests then skip), to try the pack on a machine without a GPU.
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

# ---- CUDA backend (issue 6): our lenet-300-100 step vs PyTorch eager and PyTorch + CUDA graphs --------------
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
# One lottery level / the lenet-fig3 sweep, when the experiment CLI and the MNIST cache are present
# (the machine has no network: set LOTTERY_DATA to a copied cache). Opt-in: DEVICE_CHECK_LENET=1.
if [ "${DEVICE_CHECK_LENET:-0}" = 1 ]; then
  say "== lottery experiment run --preset lenet-fig3 --device cuda (timed)"
  start_s=$(date +%s)
  "$java" "${jvm_flags[@]}" -cp "$(ls lib/*.jar | tr '\n' ':')" dev.lottery.cli.LotteryCli experiment run --preset lenet-fig3 --device cuda \
    > "$out/lenet-fig3.txt" 2>&1 || status=1
  say "lenet-fig3: $(( $(date +%s) - start_s )) s, exit status recorded above; tail:"
  tail -n 5 "$out/lenet-fig3.txt" | tee -a "$summary"
fi
# ---- end of the CUDA backend block ---------------------------------------------------------------------------

say "device-check: done, status $status; results in $out"
exit $status
