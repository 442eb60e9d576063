#!/usr/bin/env bash
# Where a convolutional step's time goes, layer by layer, against PyTorch on this machine: every convolution geometry
# of the presets' training steps (dev.lottery.bench.conv.ConvLayerTimes: forward, data gradient, filter gradient, at
# the preset's batch size) and the same passes in PyTorch (bench/python/conv_layers_torch.py), one after the other,
# then one table per model with both times, their ratio and the sum over a step. scripts/bench-conv-cpu.sh times the
# whole steps; this says which layers make the difference.
#
# Usage: scripts/bench-conv-layers.sh [--models resnet20,conv4] [--rounds N] [--calls N]
#   --models M,...      presets (default resnet20,conv4; conv2 works too, on its CIFAR-10 input)
#   --rounds N          rounds over all layers and passes (default 6); each pass keeps its fastest call, and the
#                       first rounds run while the JIT compiles the kernels (one round measures that, not them)
#   --calls N           calls per pass and round (default 3)
# Environment: THREADS=n (default: all cores, both sides), PYTHON=path (a Python that imports torch),
#              OUT=dir (default results/bench-conv-layers/<time>), BUILD_SUFFIX=-x, JAVA_OPTS="..."
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --models|--rounds|--calls) args+=("$1" "$2"); shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "bench-conv-layers: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
threads=${THREADS:-$(nproc)}
suffix=${BUILD_SUFFIX:-}
out=${OUT:-$root/results/bench-conv-layers/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
JAVA_HOME=$("$root/scripts/find-jdk.sh") || exit 2
. "$root/scripts/bench-common.sh"
bench_find_torch
bench_build_jar
bench_machine_header
echo "threads: $threads, both sides" | tee -a "$out/machine.txt"
jvm=(--enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Xmx8g "-Dlottery.gemm.threads=$threads")
[ -n "$vector_flags" ] && jvm+=("$vector_flags")
[ -n "$gc_flags" ] && jvm+=("$gc_flags")
# shellcheck disable=SC2206 # JAVA_OPTS is a list of JVM options
[ -n "${JAVA_OPTS:-}" ] && jvm+=($JAVA_OPTS)
main=dev.lottery.bench.conv.ConvLayerTimes

echo "== ours: $main"
"$JAVA_HOME/bin/java" "${jvm[@]}" -cp "$jar" "$main" "${args[@]}" 2>&1 | grep -v 'Using incubator modules' | tee "$out/ours.jsonl"
echo "load after ours: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/machine.txt"

echo "== PyTorch: conv_layers_torch.py"
list=()
for ((i = 0; i < ${#args[@]}; i += 2)); do [ "${args[i]}" = --models ] && list+=(--models "${args[i + 1]}"); done
torch_args=()
for ((i = 0; i < ${#args[@]}; i += 2)); do [ "${args[i]}" != --models ] && torch_args+=("${args[i]}" "${args[i + 1]}"); done
"$JAVA_HOME/bin/java" "${jvm[@]}" -cp "$jar" "$main" --list "${list[@]}" 2>/dev/null \
  | OMP_NUM_THREADS=$threads "$python" bench/python/conv_layers_torch.py --threads "$threads" "${torch_args[@]}" \
  | tee "$out/pytorch.jsonl"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/machine.txt"

echo "== summary ($out)"
python3 bench/python/summarize_conv_layers.py "$out/ours.jsonl" "$out/pytorch.jsonl" | tee "$out/summary.txt"
