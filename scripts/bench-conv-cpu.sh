#!/usr/bin/env bash
# CPU convolution speed against PyTorch in one command: builds the benchmarks jar, runs our training step
# (JMH ConvStepBenchmark: conv4 and resnet20 on 3x32x32, conv2 on Fashion-MNIST's 1x28x28, the paper's batch sizes)
# and PyTorch's CPU step for the same models (bench/python/conv_step_torch.py --device cpu: same layers, batch,
# optimizer and 50 % masks), one after the other on this machine, then prints steps/s and ours / PyTorch. With
# BASELINE, the same JMH steps of an earlier commit run in the same invocation too (before/after on one machine).
#
# Usage: scripts/bench-conv-cpu.sh [--quick] [--rounds N]
#   --quick             JMH 1 x 15 s warm-up + 2 x 5 s measured, PyTorch 3 + 10 steps (the warm-up covers the JIT's
#                       compilation of the kernels, which takes several seconds on 2 cores)
#                       (default: JMH 3 x 10 s warm-up + 3 x 5 s measured, PyTorch 5 + 30 steps: with 2 x 5 s the
#                       measured iterations still climbed as the JIT finished, e.g. 2.2, 2.6, 2.8 steps/s)
#   --rounds N          run both sides N times, taking turns (default 1), and print each round's table and then the
#                       median and range of ours / PyTorch over the rounds: on a shared machine one side's figures
#                       move by up to 2x from one minute to the next, and a ratio is only as good as the moments
#                       its two sides were measured in
# Environment:
#   THREADS=n           threads for both sides (default: all cores): our GEMM crew and PyTorch's OpenMP pool
#   JAVA_OPTS="..."     extra JVM options for ours, e.g. -XX:UseAVX=2 to keep AVX2 where scripts/vector-flags.sh
#                       would turn AVX-512 on
#   PYTHON=path         a Python that imports torch (default: the first of python3, /usr/bin/python3 that does;
#                       on Debian: apt-get install python3-torch libopenblas0-openmp)
#   BUILD_SUFFIX=-x     build into target-x/ (parallel builds in one tree)
#   BASELINE=rev        also build rev (e.g. main, or a commit) in a temporary git worktree and run its
#                       ConvStepBenchmark right before ours; the summary adds its steps/s and ours / before
#   OUT=dir             where results go (default results/bench-conv-cpu/<timestamp>)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

jmh_iters=(-wi 3 -w 10s -i 3 -r 5s)
torch_steps=(--warmup 5 --steps 30)
rounds=1
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) jmh_iters=(-wi 1 -w 15s -i 2 -r 5s); torch_steps=(--warmup 3 --steps 10); shift ;;
    --rounds)
      [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || { echo "bench-conv-cpu: --rounds takes a positive whole number" >&2; exit 2; }
      rounds=$2; shift 2 ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "bench-conv-cpu: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
threads=${THREADS:-$(nproc)}
suffix=${BUILD_SUFFIX:-}
out=${OUT:-$root/results/bench-conv-cpu/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
JAVA_HOME=$("$root/scripts/find-jdk.sh") || exit 2

. "$root/scripts/bench-common.sh"
bench_find_torch

echo "== building benchmarks jar"
./mvnw -q -Dbuild.suffix="$suffix" package -DskipTests -pl bench -am
jar="bench/target$suffix/benchmarks.jar"
base_jar=""
if [ -n "${BASELINE:-}" ]; then
  base_tree=$(mktemp -d)/tree
  git worktree add -q --detach "$base_tree" "$BASELINE"
  trap 'git worktree remove --force "$base_tree"; rmdir "$(dirname "$base_tree")"' EXIT
  echo "== building the baseline's benchmarks jar ($BASELINE = $(git rev-parse --short "$BASELINE"))"
  (cd "$base_tree" && ./mvnw -q package -DskipTests -pl bench -am)
  base_jar="$base_tree/bench/target/benchmarks.jar"
fi

load() { cut -d' ' -f1-3 /proc/loadavg; }
avx=$("$root/scripts/vector-flags.sh" ${JAVA_OPTS:-})
vector_flags=$("$JAVA_HOME/bin/java" ${JAVA_OPTS:-} $avx -XX:+PrintFlagsFinal -version 2>/dev/null \
  | awk '$2 == "UseAVX" || $2 == "MaxVectorSize" { printf "%s=%s ", $2, $4 }')
{
  echo "machine: $(bench_machine)"
  echo "threads: $threads for ours (-Dlottery.gemm.threads) and for PyTorch (torch.set_num_threads, OMP_NUM_THREADS)"
  echo "java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -n1); ${vector_flags}${gc_flags}${JAVA_OPTS:+; options: $JAVA_OPTS}"
  echo "pytorch: $("$python" -c 'import torch; print(torch.__version__, "oneDNN", torch.backends.mkldnn.is_available())')${DNNL_MAX_CPU_ISA:+, DNNL_MAX_CPU_ISA=$DNNL_MAX_CPU_ISA}"
  echo "load before: $(load)"
} | tee "$out/machine.txt"
# Other processes on a small machine change both sides' numbers by large factors; say so rather than report noise.
if awk -v n="$(nproc)" '{ exit !($1 > n / 2) }' /proc/loadavg; then
  echo "WARNING: load average $(cut -d' ' -f1 /proc/loadavg) on $(nproc) cores: other work is running, results will be unreliable" | tee -a "$out/machine.txt"
fi

# Prepended: -jvmArgsAppend would replace the benchmarks' own flags (the Vector API module among them).
jvm=(-jvmArgsPrepend "-Dlottery.gemm.threads=$threads")
[ -n "$avx" ] && jvm+=(-jvmArgsPrepend "$avx")
[ -n "$gc_flags" ] && jvm+=(-jvmArgsPrepend "$gc_flags")
[ -n "${JAVA_OPTS:-}" ] && jvm+=(-jvmArgsPrepend "$JAVA_OPTS")
# The steps of one benchmarks jar ($1), results under the name prefix $2: conv4 and resnet20 on CIFAR-10, and conv2
# on Fashion-MNIST where the jar's benchmark has the dataset parameter (JMH ignores parameters a benchmark lacks).
conv_steps() {
  local bench='dev\.lottery\.bench\.conv\.ConvStepBenchmark'
  "$JAVA_HOME/bin/java" -jar "$1" "$bench" -p model=conv4,resnet20 \
    "${jmh_iters[@]}" "${jvm[@]}" -rf json -rff "$out/$2-cifar.json" | tee "$out/$2-cifar.txt"
  if "$JAVA_HOME/bin/java" -jar "$1" "$bench" -lp | grep -q 'param "dataset"'; then
    "$JAVA_HOME/bin/java" -jar "$1" "$bench" -p model=conv2 -p dataset=fashion-mnist \
      "${jmh_iters[@]}" "${jvm[@]}" -rf json -rff "$out/$2-fashion.json" | tee "$out/$2-fashion.txt"
  else
    echo "($2: this ConvStepBenchmark has no dataset parameter; conv2 on Fashion-MNIST left out)"
    echo '[]' > "$out/$2-fashion.json"
  fi
  echo "load after the $2 steps: $(load)" | tee -a "$out/machine.txt"
}
# One round: the baseline's steps (if any), ours, then PyTorch's, results named by the round ($1).
run_round() {
  local r=$1 baseline=()
  if [ -n "$base_jar" ]; then
    echo "== round $r, before ($BASELINE): JMH ConvStepBenchmark"
    conv_steps "$base_jar" "before$r"
    baseline=(--baseline "$out/before$r-cifar.json" "$out/before$r-fashion.json")
  fi
  echo "== round $r, ours: JMH ConvStepBenchmark"
  conv_steps "$jar" "jmh$r"
  echo "== round $r, PyTorch: conv_step_torch.py --device cpu"
  OMP_NUM_THREADS=$threads "$python" bench/python/conv_step_torch.py --device cpu --threads "$threads" --examples 2000 \
    "${torch_steps[@]}" | tee "$out/torch$r.txt"
  echo "load after round $r: $(load)" | tee -a "$out/machine.txt"
  echo "== round $r summary"
  python3 bench/python/summarize_conv_cpu.py "$out/torch$r.txt" "$out/jmh$r-cifar.json" "$out/jmh$r-fashion.json" \
    "${baseline[@]}" --json "$out/summary$r.json" | tee "$out/summary$r.txt"
}
for r in $(seq "$rounds"); do run_round "$r"; done

echo "== summary over $rounds round(s) ($out)"
python3 bench/python/summarize_conv_cpu.py --combine "$out"/summary[0-9]*.json --json "$out/summary.json" | tee "$out/summary.txt"
