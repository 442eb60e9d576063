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

say "device-check: done, status $status; results in $out"
exit $status
